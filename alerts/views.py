"""NCPP staff's view of who was alerted: per alert, sent, waiting, failed and cancelled, with
retries."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Case, Count, Q, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.audit import record_audit
from accounts.permissions import is_ncpp_staff
from portal.access import require
from portal.pagination import paginate

from .delivery import retry_failed
from .models import Alert, Delivery
from .tasks import queue_alert

S = Delivery.Status
WAITING = Delivery.WAITING


def with_counts(alerts):
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


@require(is_ncpp_staff)
def alert_list(request: HttpRequest) -> HttpResponse:
    alerts = with_counts(
        Alert.objects.select_related("threat_level_change__scope", "created_by")
    ).order_by("-created_at", "-pk")
    context = paginate(request, alerts) | {"last_day": last_day_counts()}
    return render(request, "alerts/alert_list.html", context)


@require(is_ncpp_staff)
def alert_report(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(
        with_counts(Alert.objects.select_related("threat_level_change__scope", "created_by")),
        pk=pk,
    )
    # Failures first, which staff can act on; then those cancelled because people left.
    problems = (
        alert.deliveries.filter(status__in=[S.FAILED_PERMANENT, S.FAILED_TEMPORARY, S.CANCELLED])
        .select_related("user")
        .order_by(Case(When(status=S.CANCELLED, then=1), default=0), "status", "user__email")
    )
    return render(
        request, "alerts/alert_report.html", {"alert": alert, **paginate(request, problems, 100)}
    )


@require(is_ncpp_staff)
@require_POST
def alert_retry_failed(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    count = retry_failed(alert)
    if count:
        record_audit(
            "alert.retried", actor=request.user, target=alert, changes={"deliveries": count},
            request=request,
        )  # fmt: skip
        queue_alert(alert)
        messages.success(request, f"Sending again to {count} people.")
    else:
        messages.info(request, "No failed deliveries to retry.")
    return redirect("alert_report", pk=alert.pk)
