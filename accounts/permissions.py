"""Who may do what with people and sectors. Every view asks here."""

from django.contrib.auth.models import AnonymousUser

from .models import NCPP_STAFF_GROUP, PORTAL_ADMINS_GROUP, User


def _in_group(user: User | AnonymousUser, name: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    # Group names are cached on the user object for the length of the request.
    cached = getattr(user, "_portal_group_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._portal_group_names = cached
    return name in cached


def groups_and_sectors(user: User) -> tuple[set[str], list[int]]:
    """A signed-in person's group names and sector ids, read together in one query.

    The group names are remembered for the rest of the request, as _in_group remembers them;
    the sector ids are read afresh on every call.
    """
    rows = (
        User.objects.filter(pk=user.pk)
        .order_by()
        .values_list("groups__name", "memberships__sector_id")
    )
    names = {name for name, _ in rows if name is not None}
    user._portal_group_names = names
    return names, sorted({sector for _, sector in rows if sector is not None})


def is_ncpp_staff(user: User | AnonymousUser) -> bool:
    return _in_group(user, NCPP_STAFF_GROUP)


def is_portal_admin(user: User | AnonymousUser) -> bool:
    return _in_group(user, PORTAL_ADMINS_GROUP)
