"""What a bulletin's page and the staff's dashboard show of alerts; bulletins may not import
this app."""

from django import template
from django.db.models import Count, Q

from ..models import Delivery
from ..selectors import last_day_counts

register = template.Library()


@register.simple_tag
def alerting_summary(bulletin) -> dict:
    """How many people a bulletin's alerts went to, how many failed, and the latest alert."""
    summary = Delivery.objects.filter(alert__bulletin=bulletin).aggregate(
        people=Count("user", distinct=True),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED_PERMANENT)),
    )
    summary["latest_alert"] = bulletin.alerts.order_by("-created_at").first()
    return summary


@register.simple_tag
def alerting_summaries(bulletins) -> list[tuple]:
    """(bulletin, {"people", "failed"}) for each of a list of bulletins, in one query: what the
    staff's dashboard shows beside what they published lately."""
    counts = {
        row["alert__bulletin"]: row
        for row in Delivery.objects.filter(alert__bulletin__in=bulletins)
        .values("alert__bulletin")
        .annotate(
            people=Count("user", distinct=True),
            failed=Count("pk", filter=Q(status=Delivery.Status.FAILED_PERMANENT)),
        )
        .order_by()
    }
    return [
        (bulletin, counts.get(bulletin.pk, {"people": 0, "failed": 0})) for bulletin in bulletins
    ]


@register.simple_tag
def last_day_alert_counts() -> dict[str, int]:
    """The last day's alert emails by outcome, as Alerts sent gives them."""
    return last_day_counts()
