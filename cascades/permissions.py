"""Who may keep a sector's contacts and cascade to them. Every view asks here.

A sector's contacts are kept by its lead and deputies, and by portal admins; a person who may not
keep a sector's list gets 404 for it, and for each of its contacts, by every route. Cascading is
for the sector's lead and deputies, of a bulletin in their sector's audience whose marking lets
it go on to other organisations (TLP 2.0).
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import Membership, Sector, User
from accounts.permissions import is_ncpp_staff, is_portal_admin
from bulletins.models import Bulletin, Marking
from bulletins.permissions import bulletin_audience

KEEPER_ROLES = [Membership.Role.LEAD, Membership.Role.DEPUTY]
# TLP 2.0: CLEAR goes anywhere; GREEN within the community; AMBER and above stay with the
# recipient's own organisation (and, for AMBER, its clients), so never on to other organisations.
CASCADE_MARKINGS = [Marking.CLEAR, Marking.GREEN]
WHY_NOT = {
    Marking.AMBER: "TLP:AMBER bulletins may be shared only on a need-to-know basis within your "
    "own organisation and its clients, so they cannot be cascaded to your sector's "
    "organisations.",
    Marking.AMBER_STRICT: "TLP:AMBER+STRICT bulletins may be shared only within your own "
    "organisation, so they cannot be cascaded to your sector's organisations.",
    Marking.RED: "TLP:RED bulletins are for the eyes and ears of their recipients only, so they "
    "cannot be cascaded to anyone.",
}
WITHDRAWN = "This bulletin has been withdrawn, so it cannot be cascaded."


def kept_sectors(user: User | AnonymousUser) -> QuerySet[Sector]:
    """The sectors whose contacts `user` keeps: every sector for a portal admin, those they
    lead or deputise for otherwise."""
    if not user.is_authenticated or not user.is_active:
        return Sector.objects.none()
    if is_portal_admin(user):
        return Sector.objects.all()
    return Sector.objects.filter(memberships__user=user, memberships__role__in=KEEPER_ROLES)


def keeps_contacts(user: User | AnonymousUser) -> bool:
    return kept_sectors(user).exists()


def cascading_sectors(user: User, bulletin: Bulletin) -> QuerySet[Sector]:
    """The sectors for which `user` may cascade `bulletin`: those they lead or deputise for that
    are in its audience (portal admins keep lists but cascade only as an ISL)."""
    sectors = Sector.objects.filter(memberships__user=user, memberships__role__in=KEEPER_ROLES)
    if not bulletin.all_sectors:
        sectors = sectors.filter(pk__in=bulletin.sectors.values("pk"))
    if not bulletin_audience(bulletin, User.objects.filter(pk=user.pk, is_active=True)).exists():
        return Sector.objects.none()
    return sectors.distinct()


def cascade_refusal(bulletin: Bulletin) -> str:
    """Why the bulletin cannot be cascaded now, or "" when it can."""
    if bulletin.status == Bulletin.Status.WITHDRAWN:
        return WITHDRAWN
    if bulletin.status != Bulletin.Status.PUBLISHED:
        return "Only a published bulletin can be cascaded."
    if bulletin.marking not in CASCADE_MARKINGS:
        return WHY_NOT[Marking(bulletin.marking)]
    return ""


def sees_reach(user: User | AnonymousUser) -> bool:
    return is_ncpp_staff(user)
