"""Reads of the alerts app shared by its pages: how each alert's deliveries stand."""

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import Alert, Delivery

S = Delivery.Status
WAITING = Delivery.WAITING


def with_counts(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Each alert with its deliveries counted by outcome ("waiting" as Delivery.WAITING says)."""
    return alerts.annotate(
        recipients=Count("deliveries"),
        sent=Count("deliveries", filter=Q(deliveries__status=S.SENT)),
        waiting=Count("deliveries", filter=Q(deliveries__status__in=WAITING)),
        failed=Count("deliveries", filter=Q(deliveries__status=S.FAILED_PERMANENT)),
        # Not sent because the person left the audience meanwhile: neither waiting nor failed.
        cancelled=Count("deliveries", filter=Q(deliveries__status=S.CANCELLED)),
    )


def last_day_counts() -> dict[str, int]:
    """The last day's alert emails by outcome, so staff see failures pile up. Only the last
    day's rows are read (an index on created_at), never every delivery ever made."""
    recent = Delivery.objects.filter(created_at__gte=timezone.now() - timedelta(days=1))
    return recent.aggregate(
        sent=Count("pk", filter=Q(status=S.SENT)),
        waiting=Count("pk", filter=Q(status__in=WAITING)),
        failed=Count("pk", filter=Q(status=S.FAILED_PERMANENT)),
        cancelled=Count("pk", filter=Q(status=S.CANCELLED)),
    )
