"""A real worker process over the test Redis runs what the portal queues, and only after commit."""

import time
import uuid

import pytest
from django.core.cache import cache
from django.db import transaction

from portal.queueing import enqueue_after_commit
from portal.tasks import HEARTBEAT_KEY, record_heartbeat
from tests.helpers import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def ran(token: str) -> bool:
    return cache.get(HEARTBEAT_KEY.format(name=token)) is not None


def test_a_task_queued_inside_a_transaction_runs_only_after_commit(celery_worker):
    token = uuid.uuid4().hex

    with transaction.atomic():
        enqueue_after_commit(record_heartbeat, token)
        # Long enough for an idle worker to have run it, had it been sent already.
        time.sleep(1.5)
        assert not ran(token)

    wait_until(lambda: ran(token))


def test_a_task_queued_inside_a_rolled_back_transaction_never_runs(celery_worker):
    doomed, marker = uuid.uuid4().hex, uuid.uuid4().hex

    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_after_commit(record_heartbeat, doomed)
        raise RuntimeError("the change failed")
    # The worker takes one task at a time, in order: once the marker has run,
    # anything queued before it has run too.
    enqueue_after_commit(record_heartbeat, marker)

    wait_until(lambda: ran(marker))
    assert not ran(doomed)


def test_the_worker_runs_with_the_reliability_settings(celery_worker, settings):
    from portal.celery import app

    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_ignore_result is True
    assert conf.task_always_eager is False
    assert conf.broker_transport_options["visibility_timeout"] > (
        settings.CELERY_MAX_RETRY_COUNTDOWN
    )
