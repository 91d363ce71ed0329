"""The one access rule every signed-in view goes through.

`@require(rule)` lets a view run only for a person signed in with a second factor for whom
`rule(user)` holds: anonymous visitors go to sign-in, a person with no second factor yet to
setting one up, anyone else gets 403. Views that show one restricted object answer 404 to
people outside it instead (the object's existence is not revealed); they do that by fetching
through a queryset the app's permissions.py has already narrowed.
"""

from collections.abc import Callable
from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

Rule = Callable[..., bool]


def signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


def fully_signed_in(user) -> bool:
    """Signed in with a second factor set up: what anything not public needs.

    A person who has given only a password (and has no authenticator yet) is signed in, but
    reaches only the pages that are public anyway (accounts.middleware.RequireMFAMiddleware);
    those pages show them what a visitor sees. The answer is kept on the user object for the
    rest of the request, so the pages that ask more than once query once.
    """
    if not signed_in(user):
        return False
    answer = getattr(user, "_portal_fully_signed_in", None)
    if answer is None:
        answer = user._portal_fully_signed_in = is_mfa_enabled(user)
    return answer


def note_second_factor(user, enabled: bool) -> None:
    """Tell fully_signed_in what is already known of `user`'s second factor (for example, from
    the cache, accounts.backends), so that it asks the database nothing."""
    user._portal_fully_signed_in = enabled


def require(rule: Rule = signed_in) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not fully_signed_in(request.user):
                # RequireMFAMiddleware has sent such a person on already; this holds even
                # for a page it was told to leave alone.
                return redirect("mfa_activate_totp")
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = rule
        return wrapped

    return decorator
