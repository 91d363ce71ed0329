"""The one access rule every signed-in view goes through.

`@require(rule)` lets a view run only for a signed-in person for whom `rule(user)` holds:
anonymous visitors go to sign-in, anyone else gets 403. Views that show one restricted
object answer 404 to people outside it instead (the object's existence is not revealed);
they do that by fetching through a queryset the app's permissions.py has already narrowed.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

Rule = Callable[..., bool]


def signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


def require(rule: Rule = signed_in) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = rule
        return wrapped

    return decorator
