"""Pages for bridge calls: NCPP staff schedule, convene, change and cancel them; ISLs answer.

Every call is fetched through permissions.visible_calls, so a person outside a call's audience
gets 404 whichever page they ask for. The calendar feed is reached by a private token instead.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.audit import record_audit
from bulletins.rendering import render_markdown
from portal.access import require, signed_in

from . import services
from .forms import AnswerForm, CancelForm, ChangeForm, ConveneForm, RemindForm, ScheduleForm
from .ics import feed_ics
from .models import Attendance, CalendarToken, Call
from .permissions import can_convene_calls, deputies_for, may_answer, visible_calls
from .selectors import coverage, joining_count, people_on_call

# Answers are taken until a call ends; its page refreshes itself this often while it is urgent
# and not yet over, so the count of who will join stays current without any script.
REFRESH_SECONDS = 30
FEED_SINCE_DAYS = 90


def _visible(request: HttpRequest, pk: int) -> Call:
    """The call, if the person may see it; 404 otherwise, whether or not it exists."""
    return get_object_or_404(visible_calls(request.user).select_related("update"), pk=pk)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@require(signed_in)
@require_safe
def call_list(request: HttpRequest) -> HttpResponse:
    calls = visible_calls(request.user).prefetch_related("sectors")
    now = timezone.now()
    upcoming = calls.filter(starts_at__gte=now - timedelta(hours=8)).order_by("starts_at")
    past = calls.filter(starts_at__lt=now - timedelta(hours=8)).order_by("-starts_at")
    return render(
        request,
        "calls/list.html",
        {
            "upcoming": [call for call in upcoming if not call.has_ended],
            "past": [call for call in upcoming if call.has_ended] + list(past[:50]),
            "may_convene": can_convene_calls(request.user),
        },
    )


def _detail_context(request: HttpRequest, call: Call, answer_form: AnswerForm | None = None):
    answering = may_answer(call, request.user)
    attendance = Attendance.objects.filter(call=call, user=request.user).first()
    if answering and answer_form is None:
        initial = {"answer": attendance.answer, "deputy": attendance.deputy} if attendance else {}
        answer_form = AnswerForm(initial=initial, deputies=deputies_for(call, request.user))
    staff = can_convene_calls(request.user)
    return {
        "call": call,
        "agenda": render_markdown(call.agenda),
        "sectors": list(call.sectors.order_by("name")),
        "joining_count": joining_count(call),
        "attendance": attendance,
        "answer_form": answer_form
        if answering and not (call.is_cancelled or call.has_ended)
        else None,
        "staff": staff,
        "on_call": list(people_on_call(call).order_by("name")) if staff else [],
        "refresh": REFRESH_SECONDS if call.urgent and not call.has_ended else None,
        "update_published": call.update is not None and call.update.status == "published",
    }


@require(signed_in)
@require_safe
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = _visible(request, pk)
    return render(request, "calls/detail.html", _detail_context(request, call))


@require(signed_in)
@require_POST
def call_answer(request: HttpRequest, pk: int) -> HttpResponse:
    call = _visible(request, pk)
    form = AnswerForm(request.POST, deputies=deputies_for(call, request.user))
    if form.is_valid():
        try:
            services.answer_call(
                call,
                request.user,
                answer=form.cleaned_data["answer"],
                deputy=form.cleaned_data["deputy"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your answer is recorded.")
        return redirect(call)
    context = _detail_context(request, call, answer_form=form)
    return render(request, "calls/detail.html", context, status=400)


# --- NCPP staff ----------------------------------------------------------------------------------


def _schedule(request: HttpRequest, form, template: str, done: str) -> HttpResponse:
    """A call scheduled from `form` (for later, or convened now), or the form again."""
    if request.method == "POST" and form.is_valid():
        try:
            call = services.schedule_call(
                convener=request.user, request=request, **form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(call)
    return render(request, template, {"form": form, "call": None})


@require(can_convene_calls)
@require_http_methods(["GET", "HEAD", "POST"])
def call_new(request: HttpRequest) -> HttpResponse:
    form = ScheduleForm(request.POST or None, initial={"audience": "all", "duration_minutes": 30})
    return _schedule(
        request, form, "calls/schedule.html",
        "The call is scheduled and the invitations are going out.",
    )  # fmt: skip


@require(can_convene_calls)
@require_http_methods(["GET", "HEAD", "POST"])
def call_convene(request: HttpRequest) -> HttpResponse:
    form = ConveneForm(request.POST or None, initial={"audience": "all", "duration_minutes": 30})
    return _schedule(
        request, form, "calls/convene.html",
        "The urgent call is convened: everyone it is for is emailed.",
    )  # fmt: skip


@require(can_convene_calls)
@require_http_methods(["GET", "HEAD", "POST"])
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = _visible(request, pk)
    if call.is_cancelled or call.has_started:
        messages.info(request, "This call has started or is cancelled: it can no longer change.")
        return redirect(call)
    form = ChangeForm(request.POST or None, initial=ChangeForm.initial_for(call))
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            services.change_call(
                call,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
                **fields,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The call is changed and everyone it is for is told.")
            return redirect(call)
    return render(request, "calls/schedule.html", {"form": form, "call": call})


@require(can_convene_calls)
@require_http_methods(["GET", "HEAD", "POST"])
def call_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    call = _visible(request, pk)
    if call.is_cancelled or call.has_started:
        messages.info(request, "This call has started or is cancelled: it can no longer change.")
        return redirect(call)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_call(
                call, actor=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The call is cancelled and everyone it was for is told.")
            return redirect(call)
    return render(request, "calls/cancel.html", {"form": form, "call": call})


@require(can_convene_calls)
@require_http_methods(["GET", "HEAD", "POST"])
def call_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Per sector, who will be on the call and which sectors will have nobody; a confirmed
    reminder to those."""
    call = _visible(request, pk)
    form = RemindForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sectors = services.remind_sectors_with_nobody(call, actor=request.user, request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            names = ", ".join(sector.name for sector in sectors)
            messages.success(request, f"Reminder going to the people of: {names}.")
            return redirect("call_attendance", pk=call.pk)
    rows = coverage(call)
    return render(
        request,
        "calls/attendance.html",
        {
            "call": call,
            "rows": rows,
            "nobody": [row.sector for row in rows if not row.on_call],
            "form": form,
            "may_remind": not (call.is_cancelled or call.has_ended),
        },
    )


@require(can_convene_calls)
@require_POST
def call_write_update(request: HttpRequest, pk: int) -> HttpResponse:
    call = _visible(request, pk)
    try:
        draft = services.write_update_from_call(call, author=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(call)
    messages.success(request, "The draft update is linked to the call. Only NCPP staff see it.")
    return redirect("bulletin_edit", pk=draft.pk)


# --- The calendar subscription -------------------------------------------------------------------


@require(signed_in)
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_subscription(request: HttpRequest) -> HttpResponse:
    """A person's private calendar address: made (or replaced) and revoked here. Only its hash
    is kept, so it is shown once, when it is made."""
    new_address = ""
    if request.method == "POST":
        action = request.POST.get("action")
        CalendarToken.objects.filter(user=request.user).delete()
        if action == "create":
            token = secrets.token_urlsafe(32)
            CalendarToken.objects.create(user=request.user, token_hash=_token_hash(token))
            new_address = settings.PORTAL_BASE_URL + reverse("calendar_feed", args=[token])
            record_audit("calendar_address.created", actor=request.user, request=request)
        else:
            record_audit("calendar_address.revoked", actor=request.user, request=request)
            messages.success(request, "Your calendar address is revoked: it no longer works.")
            return redirect("calendar_subscription")
    has_address = CalendarToken.objects.filter(user=request.user).exists()
    return render(
        request,
        "calls/calendar.html",
        {"new_address": new_address, "has_address": has_address},
    )


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's calls as an iCalendar feed, reached by their private address (calendar apps
    cannot sign in). No joining details are in it. An unknown or revoked token: 404."""
    found = (
        CalendarToken.objects.select_related("user")
        .filter(token_hash=_token_hash(token), user__is_active=True)
        .first()
    )
    if found is None:
        raise Http404
    since = timezone.now() - timedelta(days=FEED_SINCE_DAYS)
    calls = visible_calls(found.user).filter(starts_at__gte=since).order_by("starts_at")
    response = HttpResponse(feed_ics(calls), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
