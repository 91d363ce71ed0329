"""How large a request body each route takes, refused before anything reads the body.

This table is the one place the caps are set. Two things enforce it: nginx
(deploy/nginx/portal.conf, one `location` per row), which refuses an oversized body before it
reaches gunicorn, and `RequestBodyLimitMiddleware`, which refuses it again inside Django, since
gunicorn has no body cap of its own. tests/test_deployment_body_limits.py checks that the nginx
config follows the table.
"""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

MB = 1024 * 1024

# Every route not listed below.
DEFAULT_LIMIT_MB = 1

# (path pattern, MB), first match wins. The patterns use only what Python's `re` and nginx's
# PCRE read alike.
ROUTE_LIMITS_MB: list[tuple[str, int]] = [
    # A draft's form: a 20 MB attachment (bulletins.attachments.MAX_ATTACHMENT_BYTES) with the
    # draft's text (up to DATA_UPLOAD_MAX_MEMORY_SIZE, 5 MB) and the multipart framing.
    (r"^/bulletins/new/$", 26),
    (r"^/bulletins/[0-9]+/edit/$", 26),
    # A 2 MB membership CSV (accounts.imports.MAX_BYTES) and its framing.
    (r"^/manage/import/$", 3),
    # A sector's contact list: a 2 MB CSV, as the membership import (cascades.imports).
    (r"^/cascades/contacts/[-a-zA-Z0-9_]+/import/$", 3),
    # Importing an update: a 20 MB file to import (bulletins.importing.limits.MAX_UPLOAD_BYTES),
    # then the checked draft's form, which is a draft's form as above.
    (r"^/bulletins/paste/$", 26),
    # A long Markdown body: as much as Django itself accepts for a form without files
    # (DATA_UPLOAD_MAX_MEMORY_SIZE).
    (r"^/bulletins/[0-9]+/amend/$", 5),
]

_ROUTE_LIMITS = [(re.compile(pattern), limit * MB) for pattern, limit in ROUTE_LIMITS_MB]


def body_limit(path: str) -> int:
    """The most bytes a request body to `path` may hold."""
    for pattern, limit in _ROUTE_LIMITS:
        if pattern.match(path):
            return limit
    return DEFAULT_LIMIT_MB * MB


def _refusal(status: int, text: str) -> HttpResponse:
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


class RequestBodyLimitMiddleware:
    """Refuses, from the Content-Length header alone, a body larger than its route takes.

    It must come before every middleware that may read the body (CSRF reads the form), so that
    an oversized upload is never parsed or spooled to disk, whoever sends it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.refuse(request) or self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest) -> HttpResponse | None:
        declared = request.META.get("CONTENT_LENGTH") or ""
        if not declared:
            # Django reads no body without a length; a chunked one is refused rather than
            # silently taken as empty (the proxy always sends a length).
            if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
                return _refusal(411, "A request body needs a Content-Length.")
            return None
        try:
            length = int(declared)
        except ValueError:
            length = -1
        if length < 0:
            return _refusal(400, "The Content-Length is not a number of bytes.")
        limit = body_limit(request.path_info)
        if length > limit:
            return _refusal(413, f"The request is too large: at most {limit // MB} MB here.")
        return None
