"""The reach of a bulletin: per sector, the ISLs who read, acknowledged and cascaded it, and the
organisations the portal's cascades reached, counted from the Delivery rows. The counts ISLs
typed for cascades done outside the portal are kept apart from these measured ones."""

from django.db.models import Count, Exists, OuterRef, Q

from alerts.models import Delivery
from bulletins.models import Bulletin
from bulletins.selectors import readership

from .models import Cascade, Contact

S = Delivery.Status
MEASURED = ("delivered", "failed", "waiting", "unsubscribed")


def measured_by_sector(bulletin: Bulletin) -> dict[int, dict]:
    """Organisations (distinct contacts) by outcome, and the ISLs who cascaded, per sector."""
    unsubscribed = Exists(
        Contact.objects.filter(pk=OuterRef("contact_key"), unsubscribed_at__isnull=False)
    )
    rows = (
        Delivery.objects.filter(alert__cascade__bulletin=bulletin)
        .annotate(gone=unsubscribed)
        .values("alert__cascade__sector")
        .annotate(
            delivered=Count("contact_key", distinct=True, filter=Q(status=S.SENT)),
            failed=Count("contact_key", distinct=True, filter=Q(status=S.FAILED_PERMANENT)),
            waiting=Count("contact_key", distinct=True, filter=Q(status__in=Delivery.WAITING)),
            unsubscribed=Count("contact_key", distinct=True, filter=Q(gone=True)),
        )
        .order_by()
    )
    measured = {row.pop("alert__cascade__sector"): row for row in rows}
    senders = (
        Cascade.objects.filter(bulletin=bulletin)
        .values("sector")
        .annotate(isls=Count("sent_by", distinct=True))
        .order_by()
    )
    for row in senders:
        measured.setdefault(row["sector"], dict.fromkeys(MEASURED, 0))["isls"] = row["isls"]
    return measured


def reach(bulletin: Bulletin) -> dict:
    report = readership(bulletin)
    measured = measured_by_sector(bulletin)
    sectors = []
    for tally in report["sectors"]:
        figures = measured.get(tally["sector"].pk, {})
        sectors.append(
            {
                "sector": tally["sector"],
                "isls": tally["audience"],
                "read": tally["read"],
                "acknowledged": tally["acknowledged"],
                "cascaded_in_portal": figures.get("isls", 0),
                **{key: figures.get(key, 0) for key in MEASURED},
                "typed_isls": tally["cascaded"],
                "typed_organisations": tally["organisations"],
            }
        )
    totals = {
        "isls": report["audience"],
        "read": report["read"],
        "acknowledged": report["acknowledged"],
        "cascaded_in_portal": Cascade.objects.filter(bulletin=bulletin)
        .values("sent_by")
        .distinct()
        .count(),
        **{key: sum(row[key] for row in sectors) for key in MEASURED},
        "typed_isls": report["cascaded"],
        "typed_organisations": sum(row["typed_organisations"] for row in sectors),
    }
    return {"sectors": sectors, "totals": totals}
