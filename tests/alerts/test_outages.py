"""Nothing is lost when Redis is down or a worker dies: PostgreSQL is the truth."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from celery import Celery
from django.utils import timezone

from alerts.models import Alert, Delivery
from tests.conftest import start_worker, stop_process, worker_environment
from tests.helpers import deliveries, make_people, sweep_through, wait_until
from tests.processes import OwnRedis
from threat_levels.models import ThreatLevelChange

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def own_redis():
    server = OwnRedis().start()
    yield server
    server.stop()


@pytest.fixture
def own_worker(own_redis, smtp, tmp_path):
    """Start (and restart) workers on the test's own Redis; all are stopped at the end."""
    workers: list[subprocess.Popen] = []
    env = worker_environment(REDIS_URL=own_redis.url, EMAIL_URL=smtp.url)

    def start() -> subprocess.Popen:
        workers.append(start_worker(env, tmp_path / "worker.log", f"own-{len(workers)}@%h"))
        return workers[-1]

    yield start
    for worker in workers:
        if worker.poll() is None:
            stop_process(worker)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, capture_output=True, text=True,
        env=worker_environment(**env), timeout=120,
    )  # fmt: skip


def record_in_own_process(level: str, redis_url: str) -> None:
    """An officer's change, made in a process of its own that queues on `redis_url`."""
    recorded = manage(
        "shell", "-c",
        "from django.utils import timezone;"
        "from threat_levels.models import ThreatLevelScope;"
        "from threat_levels.services import record_threat_level;"
        "record_threat_level(scope=ThreatLevelScope.objects.get(slug='national'),"
        f" level='{level}', effective_at=timezone.now(), note='A change.', recorded_by=None)",
        REDIS_URL=redis_url,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr


def test_a_change_committed_while_redis_is_down_is_delivered_by_the_sweep(
    own_redis, own_worker, smtp, national
):
    people = make_people(40)
    own_worker()
    own_redis.stop()

    # The officer's request, in its own process, with the broker down.
    record_in_own_process("SEVERE", own_redis.url)
    alert = Alert.objects.get()
    assert alert.fanned_out_at is None
    assert not smtp.handler.messages()

    own_redis.start()
    swept = manage("sweep_alerts", REDIS_URL=own_redis.url, ALERTS_LOST_AFTER_SECONDS="0")
    assert swept.returncode == 0, swept.stderr
    assert "Queued 1 alerts" in swept.stdout

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 40, timeout=90, what="40 sent")
    assert sorted(m.rcpt_tos[0] for m in smtp.handler.messages()) == [p.email for p in people]


def test_a_worker_killed_mid_fan_out_loses_nobody(own_redis, own_worker, smtp, national, settings):
    people = make_people(1000)
    # Written by hand, not through the service, so that nothing is queued on commit: the test
    # hands the alert to its own worker's conveyor itself.
    change = ThreatLevelChange.objects.create(
        scope=national, level="CRITICAL", meaning="an attack is highly likely in the near future",
        effective_at=timezone.now(), note="Worker killed in the middle.",
    )  # fmt: skip
    alert = Alert.objects.create(kind=Alert.Kind.THREAT_LEVEL_CHANGED, threat_level_change=change)
    conveyor = Celery(broker=own_redis.url, set_as_current=False)
    smtp.handler.script.delay = 0.003  # a busy relay, so the kill lands mid-way

    worker = own_worker()
    conveyor.send_task("alerts.tasks.fan_out_alert", args=[alert.pk])
    wait_until(lambda: len(smtp.handler.messages()) >= 300, timeout=90, what="300 messages")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    claimed = deliveries(Delivery.Status.SENDING)
    sent_at_kill = deliveries(Delivery.Status.SENT)

    # The sweep (beat, in production) puts back what the dead worker held, before a new
    # worker starts, so nothing it claims is mistaken for a dead worker's.
    sweep_through(own_redis.url, settings)
    own_worker()

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 1000, timeout=120, what="all sent")
    received = Counter(m.rcpt_tos[0] for m in smtp.handler.messages())
    duplicates = sum(count - 1 for count in received.values())
    print(
        f"\nKilled with {sent_at_kill} of 1000 sent and {claimed} claimed but not recorded "
        f"as sent; duplicates after restart: {duplicates}"
    )
    assert set(received) == {p.email for p in people}
    # One worker process sends one message at a time: only that one can arrive twice.
    assert duplicates <= 1


def test_a_worker_left_running_through_an_outage_takes_work_again_when_redis_returns(
    own_redis, own_worker, smtp, national
):
    people = make_people(5)
    worker = own_worker()
    record_in_own_process("SEVERE", own_redis.url)
    wait_until(lambda: deliveries(Delivery.Status.SENT) == 5, timeout=90, what="first 5 sent")

    own_redis.stop()
    time.sleep(5)  # long enough for the worker to lose its connection and start retrying
    own_redis.start()
    record_in_own_process("SUBSTANTIAL", own_redis.url)

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 10, timeout=90, what="next 5 sent")
    assert worker.poll() is None, "the same worker, never restarted"
    subjects = Counter(m.rcpt_tos[0] for m in smtp.handler.messages())
    assert subjects == {p.email: 2 for p in people}
