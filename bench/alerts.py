"""Benchmark of the alert fan-out and of the publish request, on the real stack.

Run with `make bench` (PostgreSQL and Redis must be up). It prints figures; it asserts
nothing. It uses its own database (portal_bench) and Redis database (15), made afresh.

1. Fan-out: one alert to 5,000 people through a real Celery worker and an aiosmtpd server
   (its own process, accepting and discarding), beside a plain smtplib loop sending the same
   5,000 messages over one connection to the same server in the same run. Target: fan-out
   at least 0.6 of the plain loop.
2. Publish: the time of the officer's request that records a threat-level change (the
   Alert row and the queued fan-out), with 10 and with 10,000 recipients. Target: ratio at
   most 1.2 — the request does no work per recipient.
"""

import os
import smtplib
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE_URL = f"{PG}/portal_bench"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
PEOPLE = 5000


def fresh_database() -> None:
    import psycopg2

    connection = psycopg2.connect(f"{PG}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS portal_bench WITH (FORCE)")
        cursor.execute("CREATE DATABASE portal_bench")
    connection.close()


def setup_django(email_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        EMAIL_URL=email_url,
        SECRET_KEY="bench-only-secret-key-0123456789-0123456789-0123456789",
        ALLOWED_HOSTS="localhost",
        DEBUG="false",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def make_people(count: int, prefix: str) -> None:
    from accounts.models import User

    User.objects.bulk_create(
        (User(email=f"{prefix}{n:05d}@example.org", name=f"{prefix} {n}") for n in range(count)),
        batch_size=2000,
    )


def plain_loop(port: int, count: int) -> float:
    """Messages per second for smtplib alone: same messages, one connection."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives

    body = "The threat level for UK (national) is now SEVERE.\n" * 8
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for n in range(count):
            message = EmailMultiAlternatives(
                "Threat level: UK (national) is now SEVERE", body,
                settings.DEFAULT_FROM_EMAIL, [f"plain{n:05d}@example.org"],
            )  # fmt: skip
            message.attach_alternative(f"<p>{body}</p>", "text/html")
            connection.sendmail(
                message.from_email, message.to, message.message().as_bytes(linesep="\r\n")
            )
    return count / (time.perf_counter() - started)


def start_smtp_sink() -> tuple[subprocess.Popen, int]:
    """An aiosmtpd server in its own process that accepts every message and keeps none."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
         "-l", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("The SMTP server did not start")


def fan_out_rate(scope, worker_env: dict) -> float:
    from django.utils import timezone

    from bulletins.models import Delivery
    from bulletins.services import record_threat_level

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--concurrency=2",
         "--loglevel=WARNING", "--without-mingle", "--without-gossip"],
        cwd=BASE_DIR, env=worker_env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(4)  # let the worker connect before the clock starts
        started = time.perf_counter()
        record_threat_level(
            scope=scope, level="SEVERE", effective_at=timezone.now(),
            note="Benchmark.", recorded_by=None,
        )  # fmt: skip
        deadline = started + 600
        while Delivery.objects.filter(status=Delivery.Status.SENT).count() < PEOPLE:
            if worker.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError("The worker stopped, or the fan-out took over 10 minutes")
            time.sleep(0.05)
        return PEOPLE / (time.perf_counter() - started)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def publish_time(scope, runs: int = 7) -> float:
    """Median seconds of the recording request's work: the transaction and the queueing."""
    from django.utils import timezone

    from bulletins.models import ThreatLevel, ThreatLevelChange
    from bulletins.services import record_threat_level

    times = []
    for _ in range(runs):
        current = ThreatLevelChange.objects.filter(scope=scope).latest("effective_at").level
        level = ThreatLevel.SEVERE if current != ThreatLevel.SEVERE else ThreatLevel.SUBSTANTIAL
        started = time.perf_counter()
        record_threat_level(
            scope=scope, level=level, effective_at=timezone.now(),
            note="Benchmark.", recorded_by=None,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    smtp, port = start_smtp_sink()
    fresh_database()
    setup_django(f"smtp://127.0.0.1:{port}")
    from bulletins.models import Delivery, ThreatLevelScope

    scope = ThreatLevelScope.objects.get(slug="national")
    worker_env = {**os.environ}
    print(f"Alert fan-out to {PEOPLE:,} people (worker: 2 processes; SMTP: aiosmtpd, loopback)")

    plain = plain_loop(port, PEOPLE)
    make_people(PEOPLE, "bench")
    fanned = fan_out_rate(scope, worker_env)
    print(f"  plain smtplib loop, one connection : {plain:8.0f} messages/s")
    print(f"  portal fan-out through Celery      : {fanned:8.0f} messages/s")
    print(f"  ratio (target >= 0.6)              : {fanned / plain:8.2f}")

    # Publishing: no worker runs, so queued work just waits in Redis.
    from accounts.models import User

    User.objects.all().delete()
    Delivery.objects.all().delete()
    make_people(10, "few")
    few = publish_time(scope)
    make_people(9990, "many")
    many = publish_time(scope)
    print("Publish request (record the change, write the Alert, queue the fan-out)")
    print(f"  10 recipients                      : {few * 1000:8.1f} ms")
    print(f"  10,000 recipients                  : {many * 1000:8.1f} ms")
    print(f"  ratio (target <= 1.2)              : {many / few:8.2f}")
    smtp.terminate()
    smtp.wait(timeout=10)


if __name__ == "__main__":
    main()
