from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.db import connection


class SessionTimeoutMiddleware:
    """Absolute session timeout. The idle timeout is the session cookie age, renewed per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            started = request.session.get("oa_login_at")
            bound = request.session.get("oa_schema")
            if bound is not None and bound != connection.schema_name:
                # Defence in depth: sessions live in each unit's schema, but never honour
                # one that was issued for another unit.
                logout(request)
            elif started is None:
                request.session["oa_login_at"] = int(time.time())
            elif time.time() - started > settings.OA_ABSOLUTE_TIMEOUT_SECONDS:
                logout(request)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Content-Security-Policy on every response (settings.OA_CSP_DIRECTIVES). frame-ancestors
    follows the response's X-Frame-Options: 'self' where a view allows SAMEORIGIN framing (the
    PDF preview), 'none' everywhere else. A response that already has a policy keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            framing = response.get("X-Frame-Options", settings.X_FRAME_OPTIONS).upper()
            directives = {
                **settings.OA_CSP_DIRECTIVES,
                "frame-ancestors": "'self'" if framing == "SAMEORIGIN" else "'none'",
            }
            response["Content-Security-Policy"] = "; ".join(f"{k} {v}" for k, v in directives.items())
        return response


class FilesFollowTransactionMiddleware:
    """Every request in a files_follow_transaction block (oa/core/files.py): a file a store wrote
    for work that then rolled back (a refused row, the database gone mid-upload) is removed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from oa.core.files import files_follow_transaction

        with files_follow_transaction():
            return self.get_response(request)
