"""Business rules for calls: each one transaction, with its audit row and its alert.

A rule broken (a call in the past, an audience with nobody in it, a change after the call has
started, an answer to a cancelled call) raises ValidationError before anything is kept: the
transaction rolls back whole.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import record_audit
from accounts.models import Sector, User
from alerts.models import Alert
from alerts.services import queue_alert
from bulletins.models import Bulletin
from bulletins.services import create_draft
from threat_levels.selectors import change_in_force

from .models import Attendance, Call, CallAlert
from .permissions import call_audience, deputies_for, may_answer
from .selectors import sectors_with_nobody

# What a change may touch.
CALL_FIELDS = (
    "title",
    "starts_at",
    "duration_minutes",
    "all_sectors",
    "agenda",
    "dial_in",
    "conference_id",
    "pin",
    "meeting_link",
)
JOINING_FIELDS = ("dial_in", "conference_id", "pin", "meeting_link")
# An urgent call starts within this long of being convened.
CONVENE_WITHIN = timedelta(hours=1)


def source_line_for(call: Call) -> str:
    day = timezone.localtime(call.starts_at)
    return f"Update following the National Bridge Call {day:%d/%m/%Y}"


def _alert(
    call: Call,
    kind: str,
    *,
    actor: User | None,
    note: str = "",
    person: User | None = None,
    sectors: Iterable[Sector] = (),
    people: Iterable[int] = (),
) -> Alert:
    """Write an alert about the call, linked to it, to be fanned out once the caller commits."""
    alert = Alert.objects.create(kind=kind, created_by=actor, note=note)
    link = CallAlert.objects.create(alert=alert, call=call, sequence=call.sequence, person=person)
    link.sectors.set(sectors)
    link.people.set(people)
    queue_alert(alert)
    return alert


def _audience_label(call: Call) -> str | list[str]:
    if call.all_sectors:
        return "all sectors"
    return sorted(call.sectors.values_list("slug", flat=True))


def _check_audience(call: Call) -> None:
    if not call.all_sectors and not call.sectors.exists():
        raise ValidationError(
            "Choose who the call is for: all sectors, or at least one sector.", code="no_audience"
        )
    if not call_audience(call, User.objects.filter(is_active=True)).exists():
        raise ValidationError(
            "Nobody is in the sectors you chose: choose sectors with people in them.",
            code="empty_audience",
        )


def _check_joining_details(call: Call) -> None:
    if not (call.dial_in or call.meeting_link):
        raise ValidationError(
            "Give a dial-in number or an online meeting link, so that people can join.",
            code="no_joining_details",
        )


def schedule_call(
    *,
    convener: User,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    all_sectors: bool,
    sectors: Iterable[Sector] = (),
    agenda: str = "",
    dial_in: str = "",
    conference_id: str = "",
    pin: str = "",
    meeting_link: str = "",
    urgent: bool = False,
    invite: bool = True,
    request: HttpRequest | None = None,
) -> Call:
    """Schedule a call, or with `urgent` convene one starting within the hour; invite its
    audience (an urgent call goes to everyone in it at once, whatever their digest choice).
    Without `invite` (demo data) nobody is emailed."""
    now = timezone.now()
    if urgent:
        if not (now - timedelta(minutes=5) <= starts_at <= now + CONVENE_WITHIN):
            raise ValidationError(
                "An urgent call must start within the hour. Schedule a later call instead.",
                code="not_within_the_hour",
            )
    elif starts_at <= now:
        raise ValidationError("The start time is in the past: choose a time to come.", code="past")
    with transaction.atomic():
        call = Call.objects.create(
            title=title.strip(),
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            all_sectors=all_sectors,
            agenda=agenda,
            dial_in=dial_in.strip(),
            conference_id=conference_id.strip(),
            pin=pin.strip(),
            meeting_link=meeting_link.strip(),
            urgent=urgent,
            convened_by=convener,
            threat_level_at_call=change_in_force("national", max(now, starts_at)),
        )
        call.sectors.set([] if all_sectors else sectors)
        _check_audience(call)
        _check_joining_details(call)
        if invite:
            kind = Alert.Kind.CALL_CONVENED if urgent else Alert.Kind.CALL_INVITATION
            _alert(call, kind, actor=convener)
        record_audit(
            "call.convened" if urgent else "call.scheduled",
            actor=convener,
            target=call,
            changes={
                "starts_at": starts_at.isoformat(),
                "audience": _audience_label(call),
                "invited": invite,
            },
            request=request,
        )
    return call


def _invited(call: Call) -> set[int]:
    return set(
        call_audience(call, User.objects.filter(is_active=True)).values_list("pk", flat=True)
    )


def _check_changeable(call: Call) -> None:
    if call.is_cancelled:
        raise ValidationError("This call is cancelled: it cannot be changed.", code="cancelled")
    if call.has_started:
        raise ValidationError(
            "This call has started: it can no longer be changed or cancelled.", code="started"
        )


def change_call(
    call: Call,
    *,
    actor: User,
    reason: str,
    sectors: Iterable[Sector] | None = None,
    request: HttpRequest | None = None,
    **fields,
) -> Call:
    """Change a call that has not started: its calendar entries are updated (SEQUENCE raised),
    and everyone in its audience is told what changed and why."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise ValueError(f"A change cannot touch: {', '.join(sorted(unknown))}")
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the call is changing.", code="no_reason")
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        _check_changeable(call)
        invited_before = _invited(call)
        if "starts_at" in fields and fields["starts_at"] <= timezone.now():
            raise ValidationError(
                "The new start time is in the past: choose a time to come.", code="past"
            )
        changed = sorted(name for name, value in fields.items() if getattr(call, name) != value)
        for name, value in fields.items():
            setattr(call, name, value.strip() if isinstance(value, str) else value)
        if sectors is not None or fields.get("all_sectors"):
            new_sectors = [] if call.all_sectors else list(sectors or [])
            if set(call.sectors.all()) != set(new_sectors):
                changed.append("sectors")
            call.sectors.set(new_sectors)
        if not changed:
            raise ValidationError("Nothing has changed.", code="unchanged")
        _check_audience(call)
        _check_joining_details(call)
        call.sequence += 1
        if "starts_at" in changed:
            call.threat_level_at_call = change_in_force("national", call.starts_at)
        call.save()
        _alert(call, Alert.Kind.CALL_CHANGED, actor=actor, note=reason)
        # Those a change of audience leaves out have the call taken out of their calendars.
        left_out = invited_before - _invited(call)
        if left_out:
            _alert(
                call,
                Alert.Kind.CALL_CANCELLED,
                actor=actor,
                note=f"Your sector is no longer invited to this call. {reason}",
                people=left_out,
            )
        record_audit(
            "call.changed",
            actor=actor,
            target=call,
            # The names of what changed, never the joining details themselves.
            changes={"fields": sorted(changed), "sequence": call.sequence},
            request=request,
        )
    return call


def cancel_call(
    call: Call, *, actor: User, reason: str, request: HttpRequest | None = None
) -> Call:
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the reason for cancelling the call.", code="no_reason")
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        _check_changeable(call)
        call.status = Call.Status.CANCELLED
        call.cancelled_reason = reason
        call.cancelled_at = timezone.now()
        call.sequence += 1
        call.save()
        _alert(call, Alert.Kind.CALL_CANCELLED, actor=actor, note=reason)
        record_audit(
            "call.cancelled",
            actor=actor,
            target=call,
            changes={"sequence": call.sequence},
            request=request,
        )
    return call


def answer_call(call: Call, person: User, *, answer: str, deputy: User | None = None) -> Attendance:
    """A person's answer. Naming a deputy tells the deputy; the deputy must be a deputy of one
    of the person's own sectors that the call is for."""
    if answer not in Attendance.Answer.values:
        raise ValidationError("Choose whether you will join.", code="no_answer")
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.is_cancelled:
            raise ValidationError(
                "This call is cancelled: there is nothing to answer.", code="cancelled"
            )
        if call.has_ended:
            raise ValidationError("This call is over: it can no longer be answered.", code="over")
        if not may_answer(call, person):
            raise ValidationError(
                "Only the sector leads the call is for can answer it.", code="not_in_audience"
            )
        if answer == Attendance.Answer.DEPUTY:
            if deputy is None:
                raise ValidationError("Choose which deputy will join.", code="no_deputy")
            if not deputies_for(call, person).filter(pk=deputy.pk).exists():
                raise ValidationError(
                    "You can only name a deputy of your own sector.", code="not_your_deputy"
                )
        else:
            deputy = None
        before = Attendance.objects.filter(call=call, user=person).first()
        attendance, _ = Attendance.objects.update_or_create(
            call=call,
            user=person,
            defaults={"answer": answer, "deputy": deputy, "answered_at": timezone.now()},
        )
        newly_named = deputy is not None and (before is None or before.deputy_id != deputy.pk)
        if newly_named:
            _alert(call, Alert.Kind.CALL_DEPUTY_NOMINATED, actor=person, person=deputy)
            record_audit(
                "call.deputy_nominated",
                actor=person,
                target=call,
                changes={"deputy": deputy.email},
            )
    return attendance


def remind_sectors_with_nobody(
    call: Call, *, actor: User, request: HttpRequest | None = None
) -> list[Sector]:
    """Email the people of each sector that nobody will represent on the call; the sectors."""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        # An urgent call may be convened to start at once: its reminder is still worth sending.
        if call.is_cancelled or call.has_ended:
            raise ValidationError(
                "This call is cancelled or over: there is nobody to remind.", code="over"
            )
        sectors = sectors_with_nobody(call)
        if not sectors:
            raise ValidationError(
                "Every sector has someone on the call: there is nobody to remind.",
                code="nobody_to_remind",
            )
        _alert(call, Alert.Kind.CALL_REMINDER, actor=actor, sectors=sectors)
        record_audit(
            "call.reminded",
            actor=actor,
            target=call,
            changes={"sectors": sorted(sector.slug for sector in sectors)},
            request=request,
        )
    return sectors


def write_update_from_call(
    call: Call, *, author: User, request: HttpRequest | None = None
) -> Bulletin:
    """Start the draft bulletin of what was said on the call, linked to it; the draft already
    linked, if there is one."""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.update_id is not None:
            return call.update
        if call.is_cancelled:
            raise ValidationError("This call was cancelled: it has no update.", code="cancelled")
        if not call.has_started:
            raise ValidationError(
                "The call has not started yet: write its update after the call.",
                code="not_started",
            )
        local = timezone.localtime(call.starts_at)
        draft = create_draft(
            author=author,
            title=f"Update following the National Bridge Call of {local.day} {local:%B %Y}",
            summary="",
            source_line=source_line_for(call),
            all_sectors=call.all_sectors,
            sectors=list(call.sectors.all()),
        )
        call.update = draft
        # The level in force when the call started, now that it has.
        call.threat_level_at_call = change_in_force("national", call.starts_at)
        call.save(update_fields=["update", "threat_level_at_call", "updated_at"])
        record_audit(
            "call.update_started",
            actor=author,
            target=call,
            changes={"bulletin": draft.pk},
            request=request,
        )
    return draft


def announce_update(bulletin: Bulletin, *, actor: User | None) -> Alert | None:
    """When a call's update is published: tell the sectors that had nobody on the call that it
    is there. Runs in the publication's transaction (calls/receivers.py)."""
    call = Call.objects.filter(update=bulletin).first()
    if call is None:
        return None
    sectors = sectors_with_nobody(call)
    if not sectors:
        return None
    return _alert(call, Alert.Kind.CALL_UPDATE_PUBLISHED, actor=actor, sectors=sectors)
