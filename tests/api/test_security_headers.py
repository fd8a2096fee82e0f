"""Issue 19 item 7: a Content-Security-Policy on every page (the SPA on both hosts, the API, the
API docs), Swagger UI served from our own pinned static files, HSTS when served over https."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.test import RequestFactory

from oa.core.middleware import ContentSecurityPolicyMiddleware
from tests.conftest import SIMING, HostClient

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize("code", [None, SIMING])
@pytest.mark.parametrize("path", ["/", "/login", "/documents/12", "/api/context/", "/api/no-such-thing/"])
def test_every_page_and_api_answer_has_a_strict_script_policy(code, path):
    response = HostClient(code).get(path)
    rules = policy(response)
    assert rules["script-src"] == "'self'"  # no inline script, no eval
    assert rules["default-src"] == "'self'" and rules["object-src"] == "'none'"
    assert rules["frame-ancestors"] == "'none'" and rules["base-uri"] == "'self'"
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_a_view_allowing_same_origin_framing_gets_frame_ancestors_self():
    def view(_request):
        response = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    assert policy(response)["frame-ancestors"] == "'self'"


@pytest.mark.parametrize("code", [None, SIMING])
def test_swagger_ui_is_served_from_our_pinned_static_files_without_inline_script(code):
    client = HostClient(code)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "@latest" not in html
    sources = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in sources
    # Every <script> has a src: nothing inline for the policy to refuse.
    assert re.findall(r"<script(?![^>]*src=)[^>]*>", html) == []
    for src in sources:
        if src.startswith("/static/"):
            assert finders.find(src.removeprefix("/static/")), src
    (init,) = [s for s in sources if "script" in s and not s.startswith("/static/")]
    script = client.get(init.replace("&amp;", "&"))
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    assert policy(response)["script-src"] == "'self'"


def test_hsts_is_sent_over_https_behind_the_proxy_and_not_over_plain_http(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    secure = HostClient(SIMING).get("/login", HTTP_X_FORWARDED_PROTO="https")
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = HostClient(SIMING).get("/login")
    assert "Strict-Transport-Security" not in plain


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"OA_PUBLIC_SCHEME": "https"}, "('HTTP_X_FORWARDED_PROTO', 'https') True True"),
        ({"OA_PUBLIC_SCHEME": "http"}, "None False False"),
        # compose passes unset variables as empty strings: the default still applies.
        (
            {"OA_PUBLIC_SCHEME": "https", "OA_BEHIND_TLS_PROXY": "", "OA_SECURE_COOKIES": ""},
            "('HTTP_X_FORWARDED_PROTO', 'https') True True",
        ),
        (
            {"OA_PUBLIC_SCHEME": "https", "OA_SECURE_COOKIES": "false"},
            "('HTTP_X_FORWARDED_PROTO', 'https') False False",
        ),
    ],
)
def test_an_https_deployment_trusts_the_proxy_and_secures_the_cookies_by_default(env, expected):
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import config.settings as s; "
        "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("OA_BEHIND_TLS_PROXY", "OA_SECURE_COOKIES")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        # A database URL is only parsed here, never connected to.
        env={**clean, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == expected
