"""The morning digest, and chasing bulletins that ask for action."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from alerts import digest
from alerts.models import Alert, Delivery, Digest
from alerts.tasks import send_acknowledgement_reminders
from bulletins.models import Acknowledgement, Marking
from bulletins.services import create_draft, publish_bulletin
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

DAY = date(2026, 11, 27)


def at(hour: int, day: date = DAY) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def publish(officer, sectors, *, when=None, action_required=False, title="Routine advice",
            marking=Marking.GREEN):  # fmt: skip
    draft = create_draft(
        author=officer, title=title, summary=f"About {title}", marking=marking,
        all_sectors=False, sectors=list(sectors), action_required=action_required,
    )  # fmt: skip
    return publish_bulletin(draft, publisher=officer, published_at=when)


@pytest.fixture
def digest_reader(retail):
    person = UserFactory(email="digest.reader@example.org", routine_alerts="digest")
    MembershipFactory(user=person, sector=retail)
    return person


def test_digest_readers_get_no_immediate_email_for_a_routine_bulletin(
    ncpp_officer, isl, digest_reader, retail, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(ncpp_officer, [retail])

    assert [m.to for m in mailoutbox] == [[isl.email]]


def test_an_action_required_bulletin_reaches_digest_readers_at_once(
    ncpp_officer, isl, digest_reader, retail, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(ncpp_officer, [retail], action_required=True)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([isl.email, digest_reader.email])


def test_the_digest_gathers_the_days_routine_bulletins_and_is_sent_once(
    ncpp_officer, digest_reader, isl, retail, transport, mailoutbox
):
    first = publish(ncpp_officer, [retail], when=at(9, DAY - timedelta(days=1)), title="One")
    second = publish(ncpp_officer, [retail], when=at(6), title="Two")
    publish(ncpp_officer, [retail], when=at(6, DAY - timedelta(days=1)), title="Too early")
    publish(ncpp_officer, [transport], when=at(10, DAY - timedelta(days=1)), title="Not theirs")
    publish(ncpp_officer, [retail], when=at(8), title="Tomorrow's")
    mailoutbox.clear()

    assert digest.send_daily_digest(DAY) == 1
    assert digest.send_daily_digest(DAY) == 0

    (message,) = mailoutbox
    assert message.to == [digest_reader.email]
    assert message.subject == "Your bulletins for 27 November 2026: 2 new"
    assert first.reference in message.body and second.reference in message.body
    for absent in ("Too early", "Not theirs", "Tomorrow's"):
        assert absent not in message.body
    assert Digest.objects.get().sent_at is not None


def test_the_digest_keeps_amber_content_out(ncpp_officer, digest_reader, retail, mailoutbox):
    publish(ncpp_officer, [retail], when=at(9, DAY - timedelta(days=1)), title="Amber one",
            marking=Marking.AMBER)  # fmt: skip

    digest.send_daily_digest(DAY)

    assert "About Amber one" not in mailoutbox[-1].body
    assert "not sent by email" in mailoutbox[-1].body


def test_a_reminder_goes_to_those_who_have_not_acknowledged_then_deputies_are_told(
    ncpp_officer, isl, retail, mailoutbox, django_capture_on_commit_callbacks, settings
):
    member = UserFactory(email="member@example.org")
    MembershipFactory(user=member, sector=retail)
    deputy = UserFactory(email="deputy@example.org")
    MembershipFactory(user=deputy, sector=retail, role=Membership.Role.DEPUTY)
    bulletin = publish(ncpp_officer, [retail], action_required=True, title="Check your exits",
                       when=timezone.now() - timedelta(hours=25))  # fmt: skip
    Acknowledgement.objects.create(bulletin=bulletin, user=member, acknowledged_at=timezone.now())
    mailoutbox.clear()

    send_acknowledgement_reminders()
    send_acknowledgement_reminders()  # a second run reminds nobody again

    reminded = sorted(m.to[0] for m in mailoutbox)
    assert reminded == sorted([isl.email, deputy.email])
    assert all(m.subject.startswith("[TLP:GREEN] Please acknowledge: ") for m in mailoutbox)
    assert Alert.objects.filter(kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER).count() == 1

    # A day later the lead (isl) still has not acknowledged: the deputies hear of it.
    Alert.objects.filter(kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER).update(
        created_at=timezone.now() - timedelta(hours=settings.ALERTS_ESCALATE_AFTER_HOURS + 1)
    )
    mailoutbox.clear()
    send_acknowledgement_reminders()
    send_acknowledgement_reminders()

    assert [m.to for m in mailoutbox] == [[deputy.email]]
    assert mailoutbox[0].subject.startswith("[TLP:GREEN] Lead has not acknowledged: ")
    assert "(Retail)" in mailoutbox[0].body
    assert Delivery.objects.filter(alert__kind="acknowledgement_escalation").count() == 1


def test_no_escalation_when_the_lead_has_acknowledged(ncpp_officer, isl, retail, mailoutbox):
    deputy = UserFactory(email="deputy@example.org")
    MembershipFactory(user=deputy, sector=retail, role=Membership.Role.DEPUTY)
    bulletin = publish(ncpp_officer, [retail], action_required=True,
                       when=timezone.now() - timedelta(hours=60))  # fmt: skip
    Acknowledgement.objects.create(bulletin=bulletin, user=isl, acknowledged_at=timezone.now())
    send_acknowledgement_reminders()
    Alert.objects.update(created_at=timezone.now() - timedelta(hours=30))

    send_acknowledgement_reminders()

    assert not Alert.objects.filter(kind=Alert.Kind.ACKNOWLEDGEMENT_ESCALATION).exists()
