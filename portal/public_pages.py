"""Public pages served whole from the cache to visitors who are not signed in.

Such a visitor's page is the same for everyone: the layout, the text and the threat-level
banner. It is kept in the cache with the token of the threat-level entry its banner came from
(threat_levels/selectors.py), and the page and that entry are read together in one round trip.
The page is served only while the entry in the cache still carries the same token, so a new
level, or one recorded for later taking effect, shows at once. Every header (CSP, HSTS, frame
and referrer rules) is still added by the middleware on each response; the CSP allows the
layout's inline script by its hash, so no header ever needs to be in the cached page.

Anyone who carries a session or messages cookie gets the page made afresh: a signed-out
visitor may have a message waiting, and a signed-in one sees their own page.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from threat_levels import selectors as threat_levels

KEY = "public-page:v1:{path}"
MESSAGES_COOKIE = "messages"


def _may_share(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and not request.user.is_authenticated
    )


def _may_keep(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A page that used a CSRF token sets a cookie on its way out: it is not the same for all.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def shared_with_visitors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve `view`'s page from the cache to visitors who are not signed in (see above)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _may_share(request):
            return view(request, *args, **kwargs)
        key = KEY.format(path=request.path)
        found = cache.get_many([threat_levels.CACHE_KEY, key])
        entry = threat_levels.current_entry(found.get(threat_levels.CACHE_KEY))
        request._portal_threat_levels = entry  # the banner, if rendered, uses the same entry
        page = found.get(key)
        if page is not None and page["token"] == entry["token"]:
            return HttpResponse(page["content"], content_type=page["content_type"])
        response = view(request, *args, **kwargs)
        if _may_keep(request, response):
            page = {
                "token": entry["token"],
                "content": response.content,
                "content_type": response["Content-Type"],
            }
            cache.set(key, page, threat_levels.seconds_left(entry))
        return response

    return wrapped
