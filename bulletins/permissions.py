"""Who may do what with bulletins. Every view asks here."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import NCPP_STAFF_GROUP, Membership, User
from accounts.permissions import groups_and_sectors, is_ncpp_staff

from .models import Bulletin


def can_write_bulletins(user: User | AnonymousUser) -> bool:
    return is_ncpp_staff(user)


def reader_audience(user: User | AnonymousUser) -> tuple:
    """Whom `user` reads bulletins as: ("staff",), ("sectors", id, ...) or ("nobody",).

    Two people with the same audience see exactly the same bulletins. Memberships are read
    from the database on every call, so a removal takes effect on the next request.
    """
    if not user.is_authenticated or not user.is_active:
        return ("nobody",)
    groups, sector_ids = groups_and_sectors(user)
    if NCPP_STAFF_GROUP in groups:
        return ("staff",)
    return ("sectors", *sector_ids) if sector_ids else ("nobody",)


def visible_bulletins(
    user: User | AnonymousUser, audience: tuple | None = None
) -> QuerySet[Bulletin]:
    """Every bulletin `user` may see, by any route: pages, search, attachments, exports, links.

    NCPP staff see all, drafts included. Anyone else sees published (and withdrawn) bulletins
    addressed to all sectors if they are in any sector, or to a sector they are in. A view
    that has just worked out the person's `audience` (reader_audience) may pass it in.
    """
    kind, *sector_ids = audience or reader_audience(user)
    bulletins = Bulletin.objects.all()
    if kind == "staff":
        return bulletins
    if kind != "sectors":
        return bulletins.none()
    # The person's sectors go into the bulletin query as values: PostgreSQL then finds the
    # bulletins of those sectors from an index instead of scanning every bulletin-sector row
    # on every page (docs/performance.md).
    in_audience_sector = Bulletin.sectors.through.objects.filter(
        bulletin=OuterRef("pk"), sector__in=sector_ids
    )
    return bulletins.filter(
        Q(all_sectors=True) | Q(Exists(in_audience_sector)),
        status__in=[Bulletin.Status.PUBLISHED, Bulletin.Status.WITHDRAWN],
    )


def bulletin_audience(bulletin: Bulletin, people: QuerySet[User]) -> QuerySet[User]:
    """Those of `people` a bulletin is addressed to: members of its sectors (of any, for all)."""
    memberships = Membership.objects.filter(user=OuterRef("pk"))
    if not bulletin.all_sectors:
        memberships = memberships.filter(sector__in=bulletin.sectors.values("pk"))
    return people.filter(Exists(memberships))


# --- The audit log: who did what to which bulletin, and what it says only for its readers -------

# The keys of a bulletin's audit row that say what was done to it, never what it says.
AUDIT_PLAIN_KEYS = frozenset(
    {"reference", "marking", "audience", "alert", "fields", "revision", "attachment", "export",
     "rows"}
)  # fmt: skip


def audit_label(bulletin: Bulletin) -> str:
    """What an audit row names a bulletin by: its reference, never its title."""
    return bulletin.reference or f"Draft {bulletin.pk}"


def bulletins_hidden_from(user: User, object_ids: set[str]) -> dict[str, str]:
    """Of the bulletins with these ids (as audit rows keep them), those `user` may not read,
    each named by its audit label. An id that names no bulletin is hidden too."""
    pks = {int(object_id) for object_id in object_ids if object_id.isdigit()}
    readable = set(visible_bulletins(user).filter(pk__in=pks).values_list("pk", flat=True))
    if readable == pks and len(pks) == len(object_ids):
        return {}
    labels = {
        str(pk): reference or f"Draft {pk}"
        for pk, reference in Bulletin.objects.filter(pk__in=pks - readable).values_list(
            "pk", "reference"
        )
    }
    return {
        object_id: labels.get(object_id, f"Bulletin {object_id}")
        for object_id in object_ids
        if not (object_id.isdigit() and int(object_id) in readable)
    }
