"""Call invitations through the real stack: a Celery worker and an SMTP server (aiosmtpd)."""

from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from alerts.models import Delivery
from calls.services import cancel_call
from tests.calls.helpers import JOINING_DETAILS, make_call
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import deliveries, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def calendar_in(received) -> icalendar.Calendar:
    (part,) = [p for p in received.message.walk() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def whole(received) -> str:
    """The message as it crossed the wire, and each part decoded."""
    decoded = [
        part.get_payload(decode=True).decode(errors="replace")
        for part in received.message.walk()
        if not part.is_multipart()
    ]
    return "\n".join([received.message.as_string(), *decoded])


def test_an_urgent_call_reaches_digest_readers_with_a_calendar_file_and_no_joining_details(
    celery_worker, smtp, ncpp_officer, isl, retail
):
    digest_reader = UserFactory(email="digest.reader@example.org", routine_alerts="digest")
    MembershipFactory(user=digest_reader, sector=retail)

    call = make_call(
        ncpp_officer,
        sectors=[retail],
        urgent=True,
        starts_at=timezone.now() + timedelta(minutes=30),
    )

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 2, what="two invitations sent")
    received = smtp.handler.messages()
    assert sorted(m.rcpt_tos[0] for m in received) == sorted([isl.email, digest_reader.email])
    for message in received:
        assert message.subject.startswith("URGENT bridge call: ")
        assert message.message["Importance"] == "high"
        text = whole(message)
        for detail in JOINING_DETAILS:
            assert detail not in text
        calendar = calendar_in(message)
        assert str(calendar["method"]) == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        assert int(event["sequence"]) == 0
        assert event.decoded("dtstart") == call.starts_at.replace(microsecond=0)
    uid = str(calendar_in(received[0]).walk("VEVENT")[0]["uid"])

    smtp.handler.reset()
    cancel_call(call, actor=ncpp_officer, reason="Stood down.")

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 4, what="two cancellations sent")
    for message in smtp.handler.messages():
        calendar = calendar_in(message)
        (event,) = calendar.walk("VEVENT")
        assert str(calendar["method"]) == "CANCEL"
        assert (str(event["uid"]), int(event["sequence"])) == (uid, 1)
        assert "Stood down." in message.text()
