import secrets
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from portal.access import require
from portal.formats import uk_date, uk_time

from .cap import CAP_CONTENT_TYPE, build_cap_message
from .chart import build_chart
from .forms import ConfirmThreatLevelChangeForm, ThreatLevelChangeForm
from .models import ThreatLevelChange, ThreatLevelScope, official_meaning
from .permissions import (
    can_record_threat_level,
    can_see_scheduled_changes,
    is_open_information,
    visible_scopes,
)
from .selectors import LevelInForce, cached_levels_in_force, change_in_force
from .services import record_threat_level

# The change an officer has prepared but not yet confirmed.
PENDING_CHANGE_KEY = "threat_level_pending_change"


@require_safe
def threat_level_history(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    may_record = can_record_threat_level(request.user)
    scopes = list(visible_scopes(request.user))
    changes = ThreatLevelChange.objects.filter(scope__in=scopes).order_by("-effective_at", "-id")
    if not can_see_scheduled_changes(request.user):
        changes = changes.filter(effective_at__lte=now)
    if may_record:
        changes = changes.select_related("recorded_by")
    by_scope: dict[int, list[ThreatLevelChange]] = {scope.pk: [] for scope in scopes}
    for change in changes:
        by_scope[change.scope_id].append(change)
    history = [(scope, by_scope[scope.pk]) for scope in scopes]

    tables = []
    summary = []
    for scope, rows in history:
        in_force = next((change for change in rows if change.effective_at <= now), None)
        tables.append({"scope": scope, "changes": rows, "in_force": in_force})
        if in_force is not None:
            count = sum(1 for change in rows if change.effective_at <= now)
            summary.append(
                f"{scope.name}: {count} changes, {in_force.level} since "
                f"{uk_date(in_force.effective_at)}."
            )
    chart = build_chart(history, now)
    return render(
        request,
        "threat_levels/history.html",
        {
            "tables": tables,
            "chart": chart,
            "chart_summary": " ".join(summary),
            "now": now,
            "may_record": may_record,
        },
    )


@require(can_record_threat_level)
@require_http_methods(["GET", "HEAD", "POST"])
def threat_level_record(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ThreatLevelChangeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            request.session[PENDING_CHANGE_KEY] = {
                "scope": data["scope"].pk,
                "level": data["level"],
                "effective_at": data["effective_at"].isoformat() if data["effective_at"] else "",
                "note": data["note"],
                "correction": data["correction"],
                "token": secrets.token_urlsafe(16),
            }
            return redirect("threat_level_confirm")
    else:
        pending = request.session.get(PENDING_CHANGE_KEY)
        initial = {}
        if pending:
            initial = {
                "scope": pending["scope"],
                "level": pending["level"],
                "effective_at": _parse_moment(pending["effective_at"]),
                "note": pending["note"],
                "correction": pending["correction"],
            }
        form = ThreatLevelChangeForm(initial=initial)
    return render(request, "threat_levels/record.html", {"form": form})


def _parse_moment(value: str) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@require(can_record_threat_level)
@require_http_methods(["GET", "HEAD", "POST"])
def threat_level_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_CHANGE_KEY)
    scope = ThreatLevelScope.objects.filter(pk=pending["scope"]).first() if pending else None
    if scope is None:
        messages.info(request, "There is no change waiting to be confirmed.")
        return redirect("threat_level_record")
    level = pending["level"]
    effective_at = _parse_moment(pending["effective_at"])
    correction = pending["correction"]

    form = ConfirmThreatLevelChangeForm(
        request.POST if request.method == "POST" else None,
        level=level,
        token=pending["token"],
        initial={"token": pending["token"]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = record_threat_level(
                scope=scope,
                level=level,
                effective_at=effective_at or timezone.now(),
                note=pending["note"],
                recorded_by=request.user,
                send_alert=not correction,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            del request.session[PENDING_CHANGE_KEY]
            messages.success(request, _recorded_message(change))
            # The history page, from the top, so the confirmation message is in view.
            return redirect("threat_level_history")

    moment = effective_at or timezone.now()
    in_force = change_in_force(scope, moment)
    preview = LevelInForce(
        scope_name=scope.name,
        scope_slug=scope.slug,
        scope_public=scope.public,
        change_id=0,
        level=level,
        meaning=official_meaning(level, moment),
        since=moment,
        note=pending["note"],
    )
    return render(
        request,
        "threat_levels/confirm.html",
        {
            "form": form,
            "scope": scope,
            "preview": preview,
            "in_force": in_force,
            "effective_at": effective_at,
            "correction": correction,
            # Announced when it takes effect, not when it is confirmed (alerts' sweep sends it).
            "scheduled": not correction
            and effective_at is not None
            and effective_at > timezone.now(),
            "recipients": 0 if correction else User.objects.filter(is_active=True).count(),
        },
    )


def _recorded_message(change: ThreatLevelChange) -> str:
    if change.is_correction:
        return (
            f"{change.scope}: the change to {change.level} from {uk_time(change.effective_at)} "
            "is added to the history. Nobody will be emailed."
        )
    if change.effective_at > timezone.now():
        return (
            f"{change.scope}: the threat level will change to {change.level} at "
            f"{uk_time(change.effective_at)}. Everyone will be emailed."
        )
    return f"{change.scope}: the threat level is now {change.level}. Everyone will be emailed."


@require_safe
def threat_level_api(request: HttpRequest) -> JsonResponse:
    """The level in force for each public scope: open data, no sign-in."""
    body = {
        "threat_levels": [
            {
                "scope": {"name": level.scope_name, "slug": level.scope_slug},
                "level": level.level,
                "meaning": level.meaning,
                "since": timezone.localtime(level.since).isoformat(),
                "note": level.note,
            }
            for level in cached_levels_in_force()
            if level.scope_public
        ],
        "history": request.build_absolute_uri(reverse("threat_level_history")),
    }
    response = JsonResponse(body)
    # Public information: any web page may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def threat_level_cap(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(ThreatLevelChange.objects.select_related("scope"), pk=pk)
    if not is_open_information(change):
        raise Http404("No such threat-level change.")
    superseded_at = (
        ThreatLevelChange.objects.filter(
            scope=change.scope_id,
            effective_at__gt=change.effective_at,
            effective_at__lte=timezone.now(),
        )
        .order_by("effective_at")
        .values_list("effective_at", flat=True)
        .first()
    )
    return HttpResponse(
        build_cap_message(change, superseded_at=superseded_at),
        content_type=f"{CAP_CONTENT_TYPE}; charset=utf-8",
    )
