"""Reads of bulletins shared by more than one page."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects

from accounts.models import Membership, User

from .models import Bulletin, Reading
from .permissions import bulletin_audience


def with_reading(bulletins: QuerySet[Bulletin], user: User) -> QuerySet[Bulletin]:
    """Annotate whether `user` has read and acknowledged each bulletin, in the same query."""
    mine = Reading.objects.filter(bulletin=OuterRef("pk"), user=user)
    return bulletins.annotate(
        is_read=Exists(mine.filter(first_read_at__isnull=False)),
        is_acknowledged=Exists(mine.filter(acknowledged_at__isnull=False)),
    )


def readership(bulletin: Bulletin) -> dict:
    """Who the bulletin is for, and who read, acknowledged and cascaded it, by sector and person."""
    sector_ids = None if bulletin.all_sectors else {s.pk for s in bulletin.sectors.all()}
    people = bulletin_audience(bulletin, User.objects.filter(is_active=True)).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("sector"))
    )
    readings = {reading.user_id: reading for reading in bulletin.readings.all()}
    rows = []
    by_sector: dict[int, dict] = {}
    for person in people.order_by("name", "email"):
        reading = readings.get(person.pk)
        sectors = [
            m.sector
            for m in person.memberships.all()
            if sector_ids is None or m.sector_id in sector_ids
        ]
        row = {
            "person": person,
            "sectors": sectors,
            "first_read_at": reading.first_read_at if reading else None,
            "acknowledged_at": reading.acknowledged_at if reading else None,
            "cascaded_at": reading.cascaded_at if reading else None,
            "cascade_count": reading.cascade_count if reading else None,
        }
        rows.append(row)
        for sector in sectors:
            tally = by_sector.setdefault(
                sector.pk,
                {"sector": sector, "audience": 0, "read": 0, "acknowledged": 0, "cascaded": 0,
                 "organisations": 0},
            )  # fmt: skip
            tally["audience"] += 1
            tally["read"] += row["first_read_at"] is not None
            tally["acknowledged"] += row["acknowledged_at"] is not None
            tally["cascaded"] += row["cascaded_at"] is not None
            tally["organisations"] += row["cascade_count"] or 0
    return {
        "rows": rows,
        "sectors": sorted(by_sector.values(), key=lambda tally: tally["sector"].name),
        "audience": len(rows),
        "read": sum(row["first_read_at"] is not None for row in rows),
        "acknowledged": sum(row["acknowledged_at"] is not None for row in rows),
        "cascaded": sum(row["cascaded_at"] is not None for row in rows),
    }


def lead_acknowledgements(bulletins: list[Bulletin]) -> list[dict]:
    """For each bulletin, how many of its audience's sector leads (active people) acknowledged
    it, of how many: three queries however many bulletins, sectors and leads there are."""
    if not bulletins:
        return []
    leads_of_sector: dict[int, set[int]] = {}
    for user_id, sector_id in Membership.objects.filter(
        role=Membership.Role.LEAD, user__is_active=True
    ).values_list("user_id", "sector_id"):
        leads_of_sector.setdefault(sector_id, set()).add(user_id)
    acknowledged = set(
        Reading.objects.filter(
            bulletin__in=bulletins,
            acknowledged_at__isnull=False,
            user__memberships__role=Membership.Role.LEAD,
        ).values_list("bulletin_id", "user_id")
    )
    prefetch_related_objects(bulletins, "sectors")
    rows = []
    for bulletin in bulletins:
        sector_ids = (
            leads_of_sector if bulletin.all_sectors else [s.pk for s in bulletin.sectors.all()]
        )
        leads = set().union(*(leads_of_sector.get(pk, set()) for pk in sector_ids))
        rows.append(
            {
                "bulletin": bulletin,
                "leads": len(leads),
                "acknowledged": sum((bulletin.pk, lead) in acknowledged for lead in leads),
            }
        )
    return rows
