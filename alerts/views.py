"""NCPP staff's view of who was alerted: per alert, sent, waiting, failed and cancelled, with
retries."""

from django.contrib import messages
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import is_ncpp_staff
from portal.access import require
from portal.pagination import paginate

from .models import Alert, Delivery
from .selectors import last_day_counts, with_counts
from .services import retry_failed_deliveries

S = Delivery.Status


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
    count = retry_failed_deliveries(alert, actor=request.user, request=request)
    if count:
        messages.success(request, f"Sending again to {count} people.")
    else:
        messages.info(request, "No failed deliveries to retry.")
    return redirect("alert_report", pk=alert.pk)
