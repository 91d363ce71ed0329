"""Nothing shown to a signed-in person is kept by their browser or by a cache on the way.

A shared computer's browser keeps pages for its back button and on disk: a RED bulletin read
there must not be found by the next person to sit down. So every response to a signed-in
person, with or without a second factor yet, says `Cache-Control: private, no-store`, in place
of whatever the view said: pages, files, exports, redirects and error pages alike.

A response counts as a signed-in person's if its request carried the session cookie (a
signed-in person's always does, including one signed out by a timeout on this very request),
if it sets or clears that cookie (signing in and out), or if its user is signed in as it
leaves. Static files are served before this middleware runs and keep their long caching;
visitors with no session keep the public pages shared with every visitor
(portal/public_pages.py).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

PRIVATE = "private, no-store"


def is_for_a_signed_in_person(request: HttpRequest, response: HttpResponse) -> bool:
    cookie = settings.SESSION_COOKIE_NAME
    if cookie in request.COOKIES or cookie in response.cookies:
        return True
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class PrivateResponsesMiddleware:
    """Sets `Cache-Control: private, no-store` on every response to a signed-in person.

    It sits above the session and CommonMiddleware in MIDDLEWARE, so it sees their
    responses too: the session cookie being set, and the redirect that adds a slash.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_for_a_signed_in_person(request, response):
            response["Cache-Control"] = PRIVATE
            # The same address answers a visitor differently: no cache may swap the two.
            patch_vary_headers(response, ("Cookie",))
        return response
