"""Serves the built Vue app's index.html for every page path (the router runs in the browser)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import ensure_csrf_cookie


@lru_cache(maxsize=1)
def _index_html(mtime: float) -> str:
    return (settings.FRONTEND_DIST / "index.html").read_text(encoding="utf-8")


@ensure_csrf_cookie
def spa_index(request, *args, **kwargs):
    index = settings.FRONTEND_DIST / "index.html"
    if not index.exists():
        return HttpResponse(render_to_string("frontend_missing.html"), status=503)
    response = HttpResponse(_index_html(index.stat().st_mtime))
    response["Cache-Control"] = "no-cache"
    return response
