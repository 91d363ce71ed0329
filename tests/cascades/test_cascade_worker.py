"""A cascade through the real stack: its own Redis, a Celery worker killed mid-way, the sweep."""

import os
import signal
from collections import Counter

import pytest

from alerts.models import Delivery
from bulletins.models import Marking
from tests.alerts.test_outages import manage
from tests.helpers import deliveries, make_bulletin, make_contacts, sweep_through, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_cascade_survives_a_killed_worker_with_no_contact_lost(
    own_redis,
    own_worker,
    smtp,
    isl,
    ncpp_officer,
    retail,
    settings,  # noqa: F811
):
    contacts = make_contacts(retail, 800, prefix="shop")
    bulletin = make_bulletin(ncpp_officer, marking=Marking.GREEN, sectors=[retail])
    smtp.handler.script.delay = 0.003  # a busy relay, so the kill lands mid-way
    worker = own_worker()

    # The ISL's confirmed cascade, in a process of its own that queues on the test's Redis.
    made = manage(
        "shell", "-c",
        "from accounts.models import Sector, User;"
        "from bulletins.models import Bulletin;"
        "from cascades.services import cascade_bulletin;"
        f"cascade_bulletin(Bulletin.objects.get(pk={bulletin.pk}),"
        f" Sector.objects.get(pk={retail.pk}), actor=User.objects.get(pk={isl.pk}),"
        " contact_ids=None)",
        REDIS_URL=own_redis.url,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr

    wait_until(lambda: len(smtp.handler.messages()) >= 200, timeout=90, what="200 messages")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    assert deliveries(Delivery.Status.SENT) < 800

    sweep_through(own_redis.url, settings)
    own_worker()

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 800, timeout=120, what="all sent")
    received = Counter(m.rcpt_tos[0] for m in smtp.handler.messages())
    assert set(received) == {contact.email for contact in contacts}
    # One worker process sends one message at a time: only that one can arrive twice.
    assert sum(count - 1 for count in received.values()) <= 1
    for message in smtp.handler.messages()[:5]:
        assert bulletin.marking_words in message.text()
