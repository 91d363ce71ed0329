"""The morning digest: one alert a day, one delivery per reader, sent, retried, swept and
reported as any alert is."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts import digest
from alerts.models import Alert, Delivery
from alerts.tasks import fan_out_alert, send_daily_digest, sweep_alerts
from bulletins.models import Marking
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import deliveries, make_bulletin, send_digest_now, wait_until

DAY = date(2026, 11, 27)


def at(hour: int, day: date = DAY) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def publish(officer, sectors, *, when, title="Routine advice", **fields):
    return make_bulletin(
        officer, title=title, summary=f"About {title}", sectors=sectors, published_at=when,
        **fields,
    )  # fmt: skip


@pytest.fixture
def digest_reader(retail):
    person = UserFactory(email="digest.reader@example.org", routine_alerts="digest")
    MembershipFactory(user=person, sector=retail)
    return person


@pytest.mark.django_db
@pytest.mark.usefixtures("tasks_in_process")
class TestInProcess:
    def test_digest_readers_get_no_immediate_email_for_a_routine_bulletin(
        self, ncpp_officer, isl, digest_reader, retail, mailoutbox,
        django_capture_on_commit_callbacks,
    ):  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            make_bulletin(ncpp_officer, sectors=[retail], send_alert=True)

        assert [m.to for m in mailoutbox] == [[isl.email]]

    def test_an_action_required_bulletin_reaches_digest_readers_at_once(
        self, ncpp_officer, isl, digest_reader, retail, mailoutbox,
        django_capture_on_commit_callbacks,
    ):  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            make_bulletin(ncpp_officer, sectors=[retail], send_alert=True, action_required=True)

        assert sorted(m.to[0] for m in mailoutbox) == sorted([isl.email, digest_reader.email])

    def test_the_digest_gathers_the_days_routine_bulletins_and_is_sent_once(
        self, ncpp_officer, digest_reader, isl, retail, transport, mailoutbox,
    ):  # fmt: skip
        first = publish(ncpp_officer, [retail], when=at(9, DAY - timedelta(days=1)), title="One")
        second = publish(ncpp_officer, [retail], when=at(6), title="Two")
        publish(ncpp_officer, [retail], when=at(6, DAY - timedelta(days=1)), title="Too early")
        publish(ncpp_officer, [transport], when=at(10, DAY - timedelta(days=1)), title="Not theirs")
        publish(ncpp_officer, [retail], when=at(8), title="Tomorrow's")
        publish(ncpp_officer, [retail], when=at(5), title="Asks for action", action_required=True)

        alert = send_digest_now(DAY)
        assert send_digest_now(DAY) is None

        (message,) = mailoutbox
        assert message.to == [digest_reader.email]
        assert message.subject == "Your bulletins for 27 November 2026: 2 new"
        assert first.reference in message.body and second.reference in message.body
        for absent in ("Too early", "Not theirs", "Tomorrow's", "Asks for action"):
            assert absent not in message.body
        (delivery,) = Delivery.objects.filter(alert=alert)
        assert (delivery.user, delivery.status) == (digest_reader, Delivery.Status.SENT)
        assert delivery.message_id == message.extra_headers["Message-ID"]

    def test_each_reader_gets_only_their_sectors_bulletins(
        self, ncpp_officer, digest_reader, retail, transport, mailoutbox,
    ):  # fmt: skip
        other = UserFactory(email="transport.reader@example.org", routine_alerts="digest")
        MembershipFactory(user=other, sector=transport)
        publish(ncpp_officer, [retail], when=at(9, DAY - timedelta(days=1)), title="Retail only")
        publish(ncpp_officer, [transport], when=at(10, DAY - timedelta(days=1)), title="Trains")

        send_digest_now(DAY)

        bodies = {m.to[0]: m.body for m in mailoutbox}
        assert "Retail only" in bodies[digest_reader.email]
        assert "Trains" not in bodies[digest_reader.email]
        assert "Trains" in bodies[other.email]
        assert "Retail only" not in bodies[other.email]

    def test_the_digest_keeps_amber_content_out(
        self, ncpp_officer, digest_reader, retail, mailoutbox
    ):
        publish(ncpp_officer, [retail], when=at(9, DAY - timedelta(days=1)), title="Amber one",
                marking=Marking.AMBER)  # fmt: skip

        send_digest_now(DAY)

        assert "About Amber one" not in mailoutbox[-1].body
        assert "not sent by email" in mailoutbox[-1].body

    def test_no_digest_alert_on_a_day_with_nothing_routine(self, ncpp_officer, digest_reader):
        assert digest.make_daily_digest(DAY) is None
        assert not Alert.objects.exists()

    def test_a_reader_who_left_the_sector_before_sending_is_cancelled_not_sent(
        self, ncpp_officer, digest_reader, retail, mailoutbox
    ):
        publish(ncpp_officer, [retail], when=at(9, DAY - timedelta(days=1)), title="Retail only")
        alert = digest.make_daily_digest(DAY)
        # The fan-out runs, but the batch waits (the conveyor is slow) while they leave.
        fan_out = digest_alert_fanned_out_without_sending(alert)
        digest_reader.memberships.all().delete()

        from alerts.delivery import send_batch

        send_batch(fan_out)

        assert mailoutbox == []
        delivery = Delivery.objects.get(alert=alert)
        assert delivery.status == Delivery.Status.CANCELLED
        assert "none of the day's bulletins" in delivery.last_error

    def test_the_sweep_sends_a_digest_the_conveyor_lost(
        self, ncpp_officer, digest_reader, retail, mailoutbox, settings
    ):
        publish(ncpp_officer, [retail], when=at(9, DAY - timedelta(days=1)), title="Retail only")
        alert = digest.make_daily_digest(DAY)  # written, but its fan-out was never queued
        Alert.objects.filter(pk=alert.pk).update(
            created_at=timezone.now() - timedelta(seconds=settings.ALERTS_LOST_AFTER_SECONDS + 1)
        )

        sweep_alerts.delay()

        assert [m.to for m in mailoutbox] == [[digest_reader.email]]
        assert Delivery.objects.get(alert=alert).status == Delivery.Status.SENT

    def test_the_alerts_page_reports_the_digest_and_its_failures(
        self, ncpp_officer, digest_reader, retail, client
    ):
        publish(ncpp_officer, [retail], when=at(9, DAY - timedelta(days=1)))
        alert = digest.make_daily_digest(DAY)
        digest_alert_fanned_out_without_sending(alert)
        Delivery.objects.filter(alert=alert).update(
            status=Delivery.Status.FAILED_PERMANENT, last_error="550 5.1.1 No such mailbox"
        )
        client.force_login(ncpp_officer)

        listing = client.get(reverse("alert_list")).content.decode()
        report = client.get(reverse("alert_report", args=[alert.pk])).content.decode()

        assert "Morning digest for 27 November 2026" in listing
        assert "550 5.1.1 No such mailbox" in report
        assert "Retry the 1 failed" in report


def digest_alert_fanned_out_without_sending(alert: Alert) -> list[int]:
    """Fan the alert out with a conveyor that drops every batch; the ids it would have sent."""
    from alerts.delivery import fan_out

    batches: list[list[int]] = []
    fan_out(alert.pk, queue_batch=batches.append)
    return [delivery_id for batch in batches for delivery_id in batch]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_digest_refused_for_now_by_the_mail_server_is_retried_and_delivered(
    celery_worker, smtp, ncpp_officer, retail
):
    """The defect this replaces: a failed digest was given back and never tried again that day."""
    reader = UserFactory(email="digest.reader@example.org", routine_alerts="digest")
    MembershipFactory(user=reader, sector=retail)
    publish(ncpp_officer, [retail], when=at(9, DAY - timedelta(days=1)), title="Retail only")
    smtp.handler.script.data_replies = ["451 4.3.0 Try again later"]

    alert = digest.make_daily_digest(DAY)
    fan_out_alert.delay(alert.pk)

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 1, timeout=60, what="the retry")
    delivery = Delivery.objects.get(alert=alert)
    assert delivery.attempts == 2
    (message,) = smtp.handler.messages()
    assert message.rcpt_tos == [reader.email]
    assert "Retail only" in message.text()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_daily_job_on_the_worker_writes_the_digest_and_sends_it(
    celery_worker, smtp, ncpp_officer, retail
):
    reader = UserFactory(email="digest.reader@example.org", routine_alerts="digest")
    MembershipFactory(user=reader, sector=retail)
    today = timezone.localdate()
    publish(ncpp_officer, [retail], when=digest.digest_window(today)[0] + timedelta(hours=1))

    send_daily_digest.delay()

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 1, timeout=60, what="the digest")
    assert Alert.objects.get(kind=Alert.Kind.DAILY_DIGEST).day == today
    assert [m.rcpt_tos for m in smtp.handler.messages()] == [[reader.email]]
