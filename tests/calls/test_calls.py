"""Bridge calls in process: scheduling, invitations and their calendar files, convening now,
answers and deputies, the per-sector view and reminder, bad input, and the update after the call.
Tasks run in this process (as on the embedded default); emails land in `mailoutbox`."""

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Membership
from alerts.models import Alert
from bulletins.models import Bulletin
from bulletins.services import publish_bulletin, update_draft
from calls.models import Attendance, Call, CallAlert
from calls.services import (
    answer_call,
    cancel_call,
    change_call,
    remind_sectors_with_nobody,
)
from tests.calls.helpers import JOINING_DETAILS, make_call
from tests.factories import MembershipFactory, SectorFactory, UserFactory
from tests.helpers import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


def calendar_of(message) -> icalendar.Calendar:
    """The iCalendar file an email carries, parsed back."""
    parts = [
        part for part in message.message().walk() if part.get_content_type() == "text/calendar"
    ]
    assert len(parts) == 1, f"expected one calendar file in {message.subject!r}"
    return icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))


def event_of(calendar: icalendar.Calendar) -> icalendar.Event:
    (event,) = calendar.walk("VEVENT")
    return event


def everything_in(message) -> str:
    """Every byte of an email as sent: headers, both parts and its attachments, decoded."""
    parts = [message.message().as_string()]
    for part in message.message().walk():
        payload = part.get_payload(decode=True)
        if payload:
            parts.append(payload.decode(errors="replace"))
    return "\n".join(parts)


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def schedule_through_the_page(client, day: date, at: str = "10:00", **fields):
    data = {
        "title": "Bridge call",
        "starts_at-day": str(day.day),
        "starts_at-month": str(day.month),
        "starts_at-year": str(day.year),
        "starts_at-time": at,
        "duration_minutes": "30",
        "audience": "all",
        "agenda": "Headline of the agenda\n\nThe rest.",
        "dial_in": "0800 555 0199",
        **fields,
    }
    return client.post(reverse("call_new"), data)


# --- Scheduling and the calendar files -----------------------------------------------------------

NEXT_YEAR = timezone.now().year + 1
MARCH_CHANGE = last_sunday(NEXT_YEAR, 3)
OCTOBER_CHANGE = last_sunday(NEXT_YEAR, 10)


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (MARCH_CHANGE - timedelta(days=1), 10),  # the Saturday: still GMT
        (MARCH_CHANGE, 9),  # the Sunday the clocks go forward: BST, an hour ahead of UTC
        (OCTOBER_CHANGE - timedelta(days=1), 9),  # the Saturday: still BST
        (OCTOBER_CHANGE, 10),  # the Sunday the clocks go back: GMT again
    ],
    ids=["march-before", "march-after", "october-before", "october-after"],
)
def test_a_call_typed_at_10_uk_time_is_stored_and_invited_at_the_right_utc_instant(
    client, ncpp_officer, isl, mailoutbox, django_capture_on_commit_callbacks, day, utc_hour
):
    client.force_login(ncpp_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = schedule_through_the_page(client, day)

    call = Call.objects.get()
    assert response.status_code == 302 and response["Location"] == call.get_absolute_url()
    expected = datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC)
    assert call.starts_at == expected
    (message,) = mailoutbox
    calendar = calendar_of(message)
    event = event_of(calendar)
    assert str(calendar["method"]) == "REQUEST"
    # Written in London time with its zone, which any calendar turns into the same instant.
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert event.decoded("dtstart").hour == 10
    assert event.decoded("dtstart").astimezone(UTC) == expected
    assert event.decoded("dtend").astimezone(UTC) == expected + timedelta(minutes=30)
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/London"
    assert {component.name for component in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_an_invitation_its_change_and_its_cancellation_keep_one_uid_with_a_rising_sequence(
    ncpp_officer, isl, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call = make_call(ncpp_officer, all_sectors=True)
    with django_capture_on_commit_callbacks(execute=True):
        call = change_call(
            call,
            actor=ncpp_officer,
            reason="Moved an hour later for the Minister.",
            starts_at=call.starts_at + timedelta(hours=1),
        )
    with django_capture_on_commit_callbacks(execute=True):
        cancel_call(call, actor=ncpp_officer, reason="The briefing is postponed.")

    invited, changed, cancelled = mailoutbox
    events = [event_of(calendar_of(message)) for message in mailoutbox]
    methods = [str(calendar_of(message)["method"]) for message in mailoutbox]
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({str(event["uid"]) for event in events}) == 1
    assert [int(event["sequence"]) for event in events] == [0, 1, 2]
    assert str(events[2]["status"]) == "CANCELLED"
    assert events[1].decoded("dtstart") == events[0].decoded("dtstart") + timedelta(hours=1)
    assert "Moved an hour later for the Minister." in changed.body
    assert "The briefing is postponed." in cancelled.body
    assert invited.subject.startswith("Bridge call: National Bridge Call: festive period")
    assert cancelled.subject.startswith("Cancelled bridge call: ")


def test_people_a_change_leaves_out_of_the_audience_have_the_call_removed_from_their_calendar(
    ncpp_officer, isl, other_isl, retail, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call = make_call(ncpp_officer, all_sectors=True)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change_call(
            call,
            actor=ncpp_officer,
            reason="For retail only.",
            all_sectors=False,
            sectors=[retail],
        )

    by_person = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_person) == sorted([isl.email, other_isl.email])
    kept, removed = by_person[isl.email], by_person[other_isl.email]
    assert str(calendar_of(kept)["method"]) == "REQUEST"
    assert str(calendar_of(removed)["method"]) == "CANCEL"
    assert "no longer invited" in removed.body
    assert event_of(calendar_of(removed))["uid"] == event_of(calendar_of(kept))["uid"]
    assert int(event_of(calendar_of(removed))["sequence"]) == 1


def test_joining_details_are_in_no_email_calendar_file_or_feed_but_on_the_page(
    client, ncpp_officer, isl, retail_deputy, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call = make_call(ncpp_officer, all_sectors=True)
    with django_capture_on_commit_callbacks(execute=True):
        answer_call(call, isl, answer=Attendance.Answer.DEPUTY, deputy=retail_deputy)
    with django_capture_on_commit_callbacks(execute=True):
        call = change_call(call, actor=ncpp_officer, reason="New agenda.", agenda="New agenda")
    with django_capture_on_commit_callbacks(execute=True):
        cancel_call(call, actor=ncpp_officer, reason="Postponed.")
    client.force_login(isl)
    client.post(reverse("calendar_subscription"), {"action": "create"})
    feed_address = AuditEvent.objects.filter(action="calendar_address.created").exists()
    assert feed_address

    # Invitation to both, the deputy's nomination, the change to both, the cancellation to both.
    assert len(mailoutbox) == 7
    for message in mailoutbox:
        sent = everything_in(message)
        for detail in JOINING_DETAILS:
            assert detail not in sent, f"{detail!r} is in {message.subject!r}"


def test_the_calendar_feed_lists_the_persons_calls_without_joining_details_until_revoked(
    client, ncpp_officer, isl, other_isl, transport
):
    mine = make_call(ncpp_officer, all_sectors=True, title="For everyone")
    make_call(ncpp_officer, sectors=[transport], title="Transport only")
    client.force_login(isl)
    page = client.post(reverse("calendar_subscription"), {"action": "create"})
    address = page.context["new_address"]
    assert address.startswith("https://portal.test/calls/calendar/")
    path = urlsplit(address).path

    client.logout()  # a calendar app has no session
    feed = client.get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(feed.content)
    assert [str(event["summary"]) for event in calendar.walk("VEVENT")] == ["For everyone"]
    assert str(event_of(calendar)["uid"]).startswith(str(mine.uid))
    for detail in JOINING_DETAILS:
        assert detail not in feed.content.decode()

    client.force_login(isl)
    client.post(reverse("calendar_subscription"), {"action": "revoke"})
    client.logout()
    assert client.get(path).status_code == 404


def test_people_outside_the_audience_get_404_for_the_call_by_every_route(
    client, ncpp_officer, isl, other_isl, outsider, portal_admin, retail
):
    call = make_call(ncpp_officer, sectors=[retail])
    routes = [
        ("get", reverse("call_detail", args=[call.pk])),
        ("post", reverse("call_answer", args=[call.pk])),
    ]
    for person in (other_isl, outsider, portal_admin):
        client.force_login(person)
        for method, path in routes:
            response = getattr(client, method)(path, {"answer": "joining"})
            assert response.status_code == 404, (person, path)
        listing = client.get(reverse("call_list")).content.decode()
        assert call.title not in listing
    assert not Attendance.objects.exists()
    client.force_login(isl)
    page = client.get(reverse("call_detail", args=[call.pk])).content.decode()
    for detail in JOINING_DETAILS[:4]:
        assert detail in page


# --- Convening now --------------------------------------------------------------------------------


def test_convening_now_reaches_everyone_in_its_audience_at_once_whatever_their_digest_choice(
    client, ncpp_officer, isl, retail, transport, mailoutbox, django_capture_on_commit_callbacks
):
    digest_reader = UserFactory(email="digest.reader@example.org", routine_alerts="digest")
    MembershipFactory(user=digest_reader, sector=retail)
    UserFactory(email="transport.only@example.org")
    client.force_login(ncpp_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("call_convene"),
            {
                "title": "Incident in the city centre",
                "starts_in": "15",
                "duration_minutes": "30",
                "audience": "chosen",
                "sectors": [retail.pk],
                "dial_in": "0800 555 0199",
                "confirm": "on",
            },
        )

    call = Call.objects.get()
    assert response.status_code == 302
    assert call.urgent
    assert timedelta(minutes=13) < call.starts_at - timezone.now() <= timedelta(minutes=15)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [isl.email, digest_reader.email]
    )
    message = mailoutbox[0]
    assert message.subject.startswith("URGENT bridge call: Incident in the city centre")
    assert message.extra_headers["Importance"] == "high"
    assert "urgent" in message.body
    assert AuditEvent.objects.filter(action="call.convened", object_id=str(call.pk)).exists()


def test_the_call_page_counts_who_will_join_and_refreshes_itself_while_urgent(
    client, ncpp_officer, isl, retail_deputy, retail
):
    call = make_call(
        ncpp_officer,
        sectors=[retail],
        urgent=True,
        starts_at=timezone.now() + timedelta(minutes=20),
    )
    client.force_login(ncpp_officer)
    page = client.get(call.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="30">' in page
    assert 'id="joining-count">0 people' in page

    answer_call(call, isl, answer=Attendance.Answer.JOINING)
    page = client.get(call.get_absolute_url()).content.decode()
    assert 'id="joining-count">1 person' in page

    answer_call(call, retail_deputy, answer=Attendance.Answer.JOINING)
    page = client.get(call.get_absolute_url()).content.decode()
    assert 'id="joining-count">2 people' in page


# --- Attendance and deputies ---------------------------------------------------------------------


def test_an_isl_can_name_only_a_deputy_of_their_own_sector_who_is_then_told(
    client, ncpp_officer, isl, retail_deputy, transport_deputy, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    call = make_call(ncpp_officer, all_sectors=True)
    client.force_login(isl)
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Retail deputy" in page and "Transport deputy" not in page

    refused = client.post(
        reverse("call_answer", args=[call.pk]),
        {"answer": "deputy", "deputy": transport_deputy.pk},
    )
    assert refused.status_code == 400
    assert "You can only name a deputy of your own sector" in refused.content.decode()
    assert not Attendance.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("call_answer", args=[call.pk]),
            {"answer": "deputy", "deputy": retail_deputy.pk},
        )
    attendance = Attendance.objects.get()
    assert (attendance.user, attendance.deputy) == (isl, retail_deputy)
    (told,) = mailoutbox
    assert told.to == [retail_deputy.email]
    assert told.subject.startswith("You are asked to join: ")
    assert str(calendar_of(told)["method"]) == "REQUEST"


def test_the_service_refuses_a_deputy_of_another_sector_whatever_the_page_sends(
    ncpp_officer, isl, transport_deputy
):
    from django.core.exceptions import ValidationError

    call = make_call(ncpp_officer, all_sectors=True)
    with pytest.raises(ValidationError, match="deputy of your own sector"):
        answer_call(call, isl, answer=Attendance.Answer.DEPUTY, deputy=transport_deputy)
    assert (
        not Attendance.objects.exists()
        and not CallAlert.objects.filter(alert__kind=Alert.Kind.CALL_DEPUTY_NOMINATED).exists()
    )


def test_staff_see_each_sector_on_the_call_and_remind_those_with_nobody_in_one_confirmed_act(
    client, ncpp_officer, isl, other_isl, retail, transport, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    finance = SectorFactory(name="Finance", slug="finance")
    finance_lead = make_person("isl.finance@example.org", "Finance lead")
    MembershipFactory(user=finance_lead, sector=finance, role=Membership.Role.LEAD)
    call = make_call(ncpp_officer, all_sectors=True)
    answer_call(call, isl, answer=Attendance.Answer.JOINING)
    answer_call(call, finance_lead, answer=Attendance.Answer.CANNOT)
    mailoutbox.clear()
    client.force_login(ncpp_officer)

    page = client.get(reverse("call_attendance", args=[call.pk]))
    html = page.content.decode()
    assert "2 sectors have nobody on the call: Finance, Transport." in html
    unconfirmed = client.post(reverse("call_attendance", args=[call.pk]), {})
    assert "Confirm that you want to email these sectors" in unconfirmed.content.decode()
    assert not mailoutbox and not Alert.objects.filter(kind=Alert.Kind.CALL_REMINDER).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("call_attendance", args=[call.pk]), {"confirm": "on"})

    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [other_isl.email, finance_lead.email]
    )
    assert mailoutbox[0].subject.startswith("Nobody from your sector yet: ")
    event = AuditEvent.objects.get(action="call.reminded")
    assert event.changes == {"sectors": ["finance", "transport"]}


# --- Bad input: a clear message and nothing half-written ------------------------------------------


def nothing_written() -> bool:
    return not (
        Call.objects.exists()
        or Alert.objects.exists()
        or AuditEvent.objects.filter(action__startswith="call.").exists()
    )


def test_a_call_in_the_past_is_refused_with_a_message_and_nothing_written(
    client, ncpp_officer, isl
):
    client.force_login(ncpp_officer)
    response = schedule_through_the_page(client, date.today() - timedelta(days=1))
    assert response.status_code == 200
    assert "The start must be in the future" in response.content.decode()
    assert nothing_written()


@pytest.mark.parametrize("minutes", ["0", "-30"])
def test_a_call_that_ends_before_it_starts_is_refused(client, ncpp_officer, isl, minutes):
    client.force_login(ncpp_officer)
    response = schedule_through_the_page(
        client, date.today() + timedelta(days=3), duration_minutes=minutes
    )
    assert "The expected length must be at least 5 minutes" in response.content.decode()
    assert nothing_written()


def test_an_audience_with_nobody_in_it_is_refused_and_nothing_is_half_written(
    client, ncpp_officer, isl
):
    empty = SectorFactory(name="Empty sector", slug="empty")
    client.force_login(ncpp_officer)
    response = schedule_through_the_page(
        client, date.today() + timedelta(days=3), audience="chosen", sectors=[empty.pk]
    )
    assert "Nobody is in the sectors you chose" in response.content.decode()
    assert nothing_written()
    assert not Call.sectors.through.objects.exists()


def test_a_change_after_the_call_has_started_is_refused_and_changes_nothing(
    client, ncpp_officer, isl
):
    call = make_call(ncpp_officer, all_sectors=True)
    Call.objects.filter(pk=call.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    alerts_before = Alert.objects.count()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="This call has started"):
        change_call(call, actor=ncpp_officer, reason="Too late.", title="Another title")
    with pytest.raises(ValidationError, match="This call has started"):
        cancel_call(call, actor=ncpp_officer, reason="Too late.")
    call.refresh_from_db()
    assert (call.title, call.sequence, call.status) == (
        "National Bridge Call: festive period",
        0,
        Call.Status.SCHEDULED,
    )
    assert Alert.objects.count() == alerts_before
    client.force_login(ncpp_officer)
    response = client.get(reverse("call_edit", args=[call.pk]), follow=True)
    assert "it can no longer change" in response.content.decode()


def test_an_answer_to_a_cancelled_call_is_refused_with_a_message(client, ncpp_officer, isl):
    call = make_call(ncpp_officer, all_sectors=True)
    cancel_call(call, actor=ncpp_officer, reason="Postponed.")
    client.force_login(isl)
    response = client.post(
        reverse("call_answer", args=[call.pk]), {"answer": "joining"}, follow=True
    )
    assert "This call is cancelled: there is nothing to answer." in response.content.decode()
    assert not Attendance.objects.exists()


# --- After the call -------------------------------------------------------------------------------


def test_the_update_from_the_call_is_a_linked_draft_and_once_published_is_told_to_the_missing(
    client, ncpp_officer, isl, other_isl, retail, transport, severe, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    call = make_call(ncpp_officer, all_sectors=True)
    answer_call(call, isl, answer=Attendance.Answer.JOINING)
    client.force_login(ncpp_officer)
    # Before the call, there is no update to write.
    early = client.post(reverse("call_write_update", args=[call.pk]), follow=True)
    assert "write its update after the call" in early.content.decode()
    assert not Bulletin.objects.exists()

    Call.objects.filter(pk=call.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    call.refresh_from_db()
    response = client.post(reverse("call_write_update", args=[call.pk]))
    draft = Bulletin.objects.get()
    assert response["Location"] == reverse("bulletin_edit", args=[draft.pk])
    local_day = timezone.localtime(call.starts_at).strftime("%d/%m/%Y")
    assert draft.source_line == f"Update following the National Bridge Call {local_day}"
    assert draft.is_draft and draft.all_sectors
    call.refresh_from_db()
    assert call.update == draft
    assert call.threat_level_at_call == severe
    # Asking again opens the same draft.
    again = client.post(reverse("call_write_update", args=[call.pk]))
    assert again["Location"] == reverse("bulletin_edit", args=[draft.pk])
    assert Bulletin.objects.count() == 1

    update_draft(draft, summary="What was said on the call.")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish_bulletin(draft, publisher=ncpp_officer)

    told = [m for m in mailoutbox if m.subject.startswith("Update from the bridge call: ")]
    assert [m.to for m in told] == [[other_isl.email]]
    assert draft.get_absolute_url() in told[0].body
    client.force_login(isl)
    page = client.get(call.get_absolute_url()).content.decode()
    assert f'href="{draft.get_absolute_url()}"' in page
    assert AuditEvent.objects.filter(action="call.update_started").exists()


def test_every_privileged_act_on_a_call_is_in_the_audit_log(ncpp_officer, isl):
    call = make_call(ncpp_officer, all_sectors=True)
    call = change_call(call, actor=ncpp_officer, reason="New title.", title="New title")
    remind_sectors_with_nobody(call, actor=ncpp_officer)
    cancel_call(call, actor=ncpp_officer, reason="Postponed.")
    actions = list(
        AuditEvent.objects.filter(object_type="calls.call")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["call.scheduled", "call.changed", "call.reminded", "call.cancelled"]
    changed = AuditEvent.objects.get(action="call.changed")
    # What changed is named, never the joining details themselves.
    assert changed.changes == {"fields": ["title"], "sequence": 1}


def test_the_calls_alerts_are_listed_under_alerts_sent_with_their_deliveries(
    client, ncpp_officer, isl, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call = make_call(ncpp_officer, all_sectors=True)
    alert = CallAlert.objects.get(call=call).alert
    client.force_login(ncpp_officer)

    listing = client.get(reverse("alert_list")).content.decode()
    report = client.get(reverse("alert_report", args=[alert.pk]))

    assert "Bridge call invitation" in listing
    assert report.status_code == 200
    assert alert.deliveries.get().status == "sent"
