"""Who may do what with bridge calls. Every view asks here.

A call's audience follows the bulletins' rule (bulletins/permissions.py): all sectors, or chosen
sectors; NCPP staff see every call. A person outside a call's audience gets 404 for it by every
route, as if it did not exist.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Membership, User
from accounts.permissions import is_ncpp_staff
from bulletins.permissions import bulletin_audience, reader_audience

from .models import Call


def can_convene_calls(user: User | AnonymousUser) -> bool:
    return is_ncpp_staff(user)


def visible_calls(user: User | AnonymousUser) -> QuerySet[Call]:
    """Every call `user` may see: all for NCPP staff; those addressed to all sectors or to one
    of their sectors for an ISL; none for anyone else."""
    kind, *sector_ids = reader_audience(user)
    calls = Call.objects.all()
    if kind == "staff":
        return calls
    if kind != "sectors":
        return calls.none()
    in_audience_sector = Call.sectors.through.objects.filter(
        call=OuterRef("pk"), sector__in=sector_ids
    )
    return calls.filter(Q(all_sectors=True) | Q(Exists(in_audience_sector)))


def call_audience(call: Call, people: QuerySet[User]) -> QuerySet[User]:
    """Those of `people` a call is addressed to: the bulletins' rule, as it reads the same
    two fields (all_sectors, sectors)."""
    return bulletin_audience(call, people)


def audience_sector_ids(call: Call) -> list[int]:
    """The sectors the call is for: every sector, for all sectors."""
    from accounts.models import Sector

    sectors = Sector.objects.all() if call.all_sectors else call.sectors.all()
    return list(sectors.values_list("pk", flat=True))


def may_answer(call: Call, user: User) -> bool:
    """An ISL in the call's audience answers for themselves (staff see it, but do not answer)."""
    return call_audience(call, User.objects.filter(pk=user.pk, is_active=True)).exists()


def deputies_for(call: Call, user: User) -> QuerySet[User]:
    """Whom `user` may name as their deputy for a call: a deputy of one of their own sectors
    that the call is for, other than themselves."""
    own_sectors = Membership.objects.filter(user=user, sector__in=audience_sector_ids(call))
    deputy_of_own = Membership.objects.filter(
        user=OuterRef("pk"),
        role=Membership.Role.DEPUTY,
        sector__in=own_sectors.values("sector"),
    )
    return (
        User.objects.filter(is_active=True)
        .filter(Exists(deputy_of_own))
        .exclude(pk=user.pk)
        .order_by("name", "email")
    )


def calls_hidden_from(user: User, object_ids: set[str]) -> dict[str, str]:
    """Of the calls with these ids (as audit rows keep them), those `user` may not see, each
    named by its number."""
    pks = {int(object_id) for object_id in object_ids if object_id.isdigit()}
    seen = set(visible_calls(user).filter(pk__in=pks).values_list("pk", flat=True))
    return {
        object_id: f"Call {object_id}"
        for object_id in object_ids
        if not (object_id.isdigit() and int(object_id) in seen)
    }
