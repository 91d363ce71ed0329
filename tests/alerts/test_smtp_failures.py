"""What the mail server says back decides what happens next: retry, give up, or resume."""

import time

import pytest

from alerts.models import Delivery
from tests.helpers import deliveries, make_people, record_change, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_two_temporary_refusals_then_acceptance_delivers_once(celery_worker, smtp, national):
    (person,) = make_people(1)
    smtp.handler.script.data_replies = ["451 4.3.0 Try again later"] * 2

    record_change(national, "SEVERE", send_alert=True)

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 1, timeout=60, what="the retry")
    delivery = Delivery.objects.get()
    assert delivery.attempts == 3
    assert [m.rcpt_tos for m in smtp.handler.messages()] == [[person.email]]


def test_a_permanent_refusal_is_recorded_and_not_retried(celery_worker, smtp, national):
    first, refused, last = make_people(3)
    smtp.handler.script.refuse = {refused.email: "550 5.1.1 No such mailbox here"}

    record_change(national, "SEVERE", send_alert=True)

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 2, what="the two good addresses")
    wait_until(lambda: deliveries(Delivery.Status.FAILED_PERMANENT) == 1, what="the failure")
    failed = Delivery.objects.get(user=refused)
    assert failed.last_error == "550 5.1.1 No such mailbox here"
    assert failed.attempts == 1
    # Give a retry, had there been one, time to happen (retries here start after ~1 s).
    time.sleep(3)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Delivery.Status.FAILED_PERMANENT, 1)
    assert sorted(m.rcpt_tos[0] for m in smtp.handler.messages()) == sorted(
        [first.email, last.email]
    )


def test_a_connection_dropped_mid_batch_resumes_at_the_first_unsent_message(
    celery_worker, smtp, national
):
    people = make_people(10)
    smtp.handler.script.drop_after = 4

    record_change(national, "SEVERE", send_alert=True)

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 10, what="all ten sent")
    received = [m.rcpt_tos[0] for m in smtp.handler.messages()]
    # Each person once, in the batch's order: the first four, then the rest after the drop.
    assert received == [p.email for p in people]
    assert Delivery.objects.filter(attempts=1).count() == 9
    assert Delivery.objects.get(user=people[4]).attempts == 2
