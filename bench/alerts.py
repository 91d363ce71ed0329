"""Benchmark of the alert fan-out and of the publish request, on the real stack.

Run with `make bench` (PostgreSQL and Redis must be up). It prints figures; it asserts
nothing. It uses its own database (portal_bench) and Redis database (15), made afresh.

1. Fan-out: one alert to 5,000 people through a real Celery worker and an aiosmtpd server
   (its own process, accepting and discarding), beside a plain smtplib loop sending the same
   5,000 messages over one connection to the same server in the same run. Target: fan-out
   at least 0.6 of the plain loop.
2. Publish: the time of an NCPP officer's confirmed publish request for a bulletin (the
   Alert row is written and the fan-out queued), to a sector of 10 and of 10,000 people.
   Target: ratio at most 1.2 — the request does no work per recipient.
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
        SECRET_KEY="bench-only-signing-key-0123456789-0123456789-0123456789",
        ALLOWED_HOSTS="localhost,testserver",
        DEBUG="false",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.conf import settings

    # Pages render here without collectstatic's manifest.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
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

    from alerts.models import Delivery
    from threat_levels.services import record_threat_level

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--concurrency=4",
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


def publish_request_time(sector, officer, runs: int = 9) -> float:
    """Median seconds of the officer's real publish request (the confirmed POST), in process."""
    from django.test import Client

    from bulletins.models import Marking
    from bulletins.services import create_draft

    client = Client(headers={"X-Forwarded-Proto": "https"})
    client.force_login(officer)
    times = []
    for run in range(runs):
        draft = create_draft(
            author=officer, title=f"Benchmark {sector.name} {run}", summary="Benchmark.",
            marking=Marking.GREEN, all_sectors=False, sectors=[sector],
        )  # fmt: skip
        started = time.perf_counter()
        response = client.post(f"/bulletins/{draft.pk}/publish/", {"alert": "yes", "confirm": "on"})
        times.append(time.perf_counter() - started)
        assert response.status_code == 302, response.content.decode()[-2000:]
    return statistics.median(times)


def sector_of(name: str, count: int):
    from accounts.models import Membership, Sector, User

    sector = Sector.objects.create(name=name, slug=name.lower())
    make_people(count, name.lower())
    Membership.objects.bulk_create(
        (Membership(user=user, sector=sector) for user in
         User.objects.filter(email__startswith=name.lower()).iterator()),
        batch_size=2000,
    )  # fmt: skip
    return sector


def staff_officer():
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    from accounts.models import NCPP_STAFF_GROUP, User

    officer = User.objects.create_user("bench.officer@example.org", "bench-password-123")
    officer.groups.add(Group.objects.get(name=NCPP_STAFF_GROUP))
    TOTP.activate(officer, generate_totp_secret())
    return officer


def main() -> None:
    smtp, port = start_smtp_sink()
    fresh_database()
    setup_django(f"smtp://127.0.0.1:{port}")
    from threat_levels.models import ThreatLevelScope

    scope = ThreatLevelScope.objects.get(slug="national")
    worker_env = {**os.environ}
    print(f"Alert fan-out to {PEOPLE:,} people (worker: 4 processes; SMTP: aiosmtpd, loopback)")

    plain = plain_loop(port, PEOPLE)
    make_people(PEOPLE, "bench")
    fanned = fan_out_rate(scope, worker_env)
    print(f"  plain smtplib loop, one connection : {plain:8.0f} messages/s")
    print(f"  portal fan-out through Celery      : {fanned:8.0f} messages/s")
    print(f"  ratio (target >= 0.6)              : {fanned / plain:8.2f}")

    # Publishing: no worker runs, so the queued fan-outs just wait in Redis.
    officer = staff_officer()
    few = publish_request_time(sector_of("Few", 10), officer)
    many = publish_request_time(sector_of("Many", 10_000), officer)
    print("Publish request (POST /bulletins/<id>/publish/, alert on; in process)")
    print(f"  10 recipients                      : {few * 1000:8.1f} ms")
    print(f"  10,000 recipients                  : {many * 1000:8.1f} ms")
    print(f"  ratio (target <= 1.2)              : {many / few:8.2f}")
    smtp.terminate()
    smtp.wait(timeout=10)


if __name__ == "__main__":
    main()
