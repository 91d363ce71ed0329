"""What a bulletin's page shows staff of its alerts; bulletins may not import this app."""

from django import template
from django.db.models import Count, Q

from ..models import Delivery

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
