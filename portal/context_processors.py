from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts import permissions
from portal.access import fully_signed_in


def portal(request: HttpRequest) -> dict:
    """Values every page of the layout needs. Roles are worked out only if a page asks."""
    user = getattr(request, "user", None)
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "DEBUG": settings.DEBUG,
        "user_is_portal_admin": SimpleLazyObject(lambda: permissions.is_portal_admin(user)),
        "user_is_ncpp_staff": SimpleLazyObject(lambda: permissions.is_ncpp_staff(user)),
        # Signed in with a second factor; before one is set up, the header offers only sign-out.
        # A request refused before the authentication middleware has no user at all.
        "user_is_fully_signed_in": SimpleLazyObject(
            lambda: user is not None and fully_signed_in(user)
        ),
    }
