"""Threat-level alerts through the real stack: worker, Redis and an SMTP server."""

import threading
from collections import Counter

import pytest
from django.db import transaction

from accounts.models import User
from alerts import delivery
from alerts.models import Alert, Delivery
from tests.helpers import deliveries, make_people, record_change, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_change_reaches_300_people_one_message_each(celery_worker, smtp, national):
    people = make_people(300)

    record_change(national, "SEVERE", send_alert=True)

    wait_until(lambda: len(smtp.handler.messages()) >= 300, what="300 messages")
    wait_until(lambda: deliveries(Delivery.Status.SENT) == 300, what="300 sent deliveries")
    received = smtp.handler.messages()
    assert len(received) == 300
    # One message per person: never a shared To or BCC.
    assert all(len(message.rcpt_tos) == 1 for message in received)
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(p.email for p in people)
    assert {m.subject for m in received} == {"Threat level: UK (national) is now SEVERE"}
    assert all(m.message["Auto-Submitted"] == "auto-generated" for m in received)
    assert all(m.message["List-Id"] for m in received)
    # Every delivery knows the Message-ID the server received.
    ids = set(Delivery.objects.values_list("message_id", flat=True))
    assert ids == {m.message["Message-ID"] for m in received}
    # Fewer connections than messages: one per batch.
    assert smtp.handler.connections <= 300 // delivery.BATCH_SIZE + 1


def test_a_rolled_back_change_sends_nothing(celery_worker, smtp, national):
    make_people(5)

    with pytest.raises(RuntimeError), transaction.atomic():
        record_change(national, "CRITICAL", send_alert=True)
        raise RuntimeError("the officer's change failed after the alert was written")
    # A later change proves the worker is busy and in order: the first must not appear.
    record_change(national, "SUBSTANTIAL", send_alert=True)

    wait_until(lambda: len(smtp.handler.messages()) >= 5, what="the second change's emails")
    assert Alert.objects.count() == 1
    assert {m.subject for m in smtp.handler.messages()} == {
        "Threat level: UK (national) is now SUBSTANTIAL"
    }


def test_a_deactivated_person_receives_nothing(celery_worker, smtp, national):
    active, leaver = make_people(2)
    leaver.is_active = False
    leaver.save()

    record_change(national, "SEVERE", send_alert=True)

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 1, what="one sent delivery")
    assert [m.rcpt_tos for m in smtp.handler.messages()] == [[active.email]]
    assert not Delivery.objects.filter(user=leaver).exists()


def test_two_quick_changes_give_two_emails_per_person_in_order(celery_worker, smtp, national):
    people = make_people(20)

    record_change(national, "SEVERE", send_alert=True)
    record_change(national, "CRITICAL", send_alert=True)

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 40, what="40 sent deliveries")
    by_person: dict[str, list[str]] = {}
    for message in smtp.handler.messages():
        by_person.setdefault(message.rcpt_tos[0], []).append(message.subject)
    assert set(by_person) == {p.email for p in people}
    for subjects in by_person.values():
        assert subjects == [
            "Threat level: UK (national) is now SEVERE",
            "Threat level: UK (national) raised to CRITICAL (was SEVERE)",
        ]


def test_the_fan_out_run_twice_at_once_sends_one_message_per_person(celery_worker, smtp, national):
    from alerts.tasks import fan_out_alert

    make_people(150)
    with transaction.atomic():
        change = record_change(national, "SEVERE", send_alert=True)
        alert = change.alerts.get()
    # The on-commit fan-out is already queued; queue two more at the same moment.
    threads = [threading.Thread(target=fan_out_alert.delay, args=(alert.pk,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 150, what="150 sent deliveries")
    wait_until(lambda: len(smtp.handler.messages()) >= 150, what="150 messages")
    counts = Counter(m.rcpt_tos[0] for m in smtp.handler.messages())
    assert len(counts) == 150
    assert set(counts.values()) == {1}
    assert Delivery.objects.count() == 150


def test_every_active_person_is_a_recipient_including_staff(
    celery_worker, smtp, national, ncpp_officer, isl
):
    alert = record_change(national, "SEVERE", send_alert=True).alerts.get()

    active = set(User.objects.filter(is_active=True).values_list("pk", flat=True))
    assert set(delivery.recipients(alert)) == active
    # The change's fan-out runs in the worker: it must finish before the tables are emptied
    # for the next test, or the worker's writes and the emptying deadlock.
    wait_until(lambda: deliveries(Delivery.Status.SENT) == len(active), what="the fan-out")
