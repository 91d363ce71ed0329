"""NCPP staff's view of who was alerted: per alert, sent, waiting and failed, with retries."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.audit import record_audit
from accounts.permissions import is_ncpp_staff
from portal.access import require
from portal.pagination import paginate

from .delivery import retry_failed
from .models import Alert, Delivery
from .tasks import queue_alert

S = Delivery.Status


def with_counts(alerts):
    return alerts.annotate(
        recipients=Count("deliveries"),
        sent=Count("deliveries", filter=Q(deliveries__status=S.SENT)),
        waiting=Count(
            "deliveries",
            filter=Q(deliveries__status__in=[S.PENDING, S.SENDING, S.FAILED_TEMPORARY]),
        ),
        failed=Count("deliveries", filter=Q(deliveries__status=S.FAILED_PERMANENT)),
    )


@require(is_ncpp_staff)
def alert_list(request: HttpRequest) -> HttpResponse:
    alerts = with_counts(
        Alert.objects.select_related("threat_level_change__scope", "created_by")
    ).order_by("-created_at", "-pk")
    return render(request, "alerts/alert_list.html", paginate(request, alerts))


@require(is_ncpp_staff)
def alert_report(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(
        with_counts(Alert.objects.select_related("threat_level_change__scope", "created_by")),
        pk=pk,
    )
    problems = (
        alert.deliveries.filter(status__in=[S.FAILED_PERMANENT, S.FAILED_TEMPORARY])
        .select_related("user")
        .order_by("status", "user__email")
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
