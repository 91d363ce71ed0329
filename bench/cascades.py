"""Benchmark of cascades: ISLs passing a bulletin on to their sectors' contacts, on the real stack.

Run by `make bench` after bench/alerts.py (PostgreSQL and Redis must be up). It prints figures
and asserts nothing; it remakes bench/alerts.py's database (portal_bench) and Redis database.

1. Network cascade: 100,000 cascade deliveries across 12 sectors (each sector's lead cascades
   the same bulletin to all of their sector's contacts, all at once, as on a national
   briefing), from the first commit to the last SMTP acceptance, through a real Celery worker
   and an aiosmtpd server in its own process; beside a plain smtplib loop sending the same
   messages over one connection to the same server in the same run.
2. One cascade of 500 contacts with the worker idle: p95 of the time from the commit of the
   ISL's cascade to each message's acceptance by the SMTP server (Delivery.sent_at, written as
   each message is accepted).

BENCH_CASCADE_CONTACTS changes the 100,000 (e.g. for a quick run).
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

from bench.alerts import fresh_database, setup_django, start_smtp_sink  # noqa: E402

SECTORS = 12
CONTACTS = int(os.environ.get("BENCH_CASCADE_CONTACTS", "100000"))
SMALL = 500
CONCURRENCY = 4


def make_sector(number: int, contacts: int, name: str = ""):
    """A sector with a lead and `contacts` organisations."""
    from accounts.models import Membership, Sector, User
    from cascades.models import Contact

    name = name or f"Sector {number:02d}"
    slug = name.lower().replace(" ", "-")
    sector = Sector.objects.create(name=name, slug=slug)
    lead = User.objects.create_user(f"lead.{slug}@example.org", name=f"Lead of {name}")
    Membership.objects.create(user=lead, sector=sector, role=Membership.Role.LEAD)
    Contact.objects.bulk_create(
        (Contact(sector=sector, organisation=f"Organisation {n} of {name}", name=f"Contact {n}",
                 email=f"org{n:06d}@{slug}.example.org") for n in range(contacts)),
        batch_size=5000,
    )  # fmt: skip
    return sector, lead


def bulletin_for_all(author):
    from bulletins.models import Marking
    from bulletins.services import create_draft, publish_bulletin

    draft = create_draft(
        author=author, title="Vigilance over the festive period", marking=Marking.GREEN,
        summary="Crowded places: be alert to hostile reconnaissance.", all_sectors=True,
        sectors=[], key_points=["Report suspicious activity", "Brief your staff"],
        body="Staff should know how to report suspicious activity.\n\n" * 6,
    )  # fmt: skip
    return publish_bulletin(draft, publisher=author, send_alert=False)


def start_worker(env: dict) -> subprocess.Popen:
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker",
         f"--concurrency={CONCURRENCY}", "--loglevel=WARNING", "--without-mingle",
         "--without-gossip"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(4)  # let the worker connect before the clock starts
    return worker


def sent() -> int:
    from alerts.models import Delivery

    return Delivery.objects.filter(status=Delivery.Status.SENT).count()


def wait_for(count: int, worker: subprocess.Popen, limit: float = 3600) -> None:
    deadline = time.perf_counter() + limit
    while sent() < count:
        if worker.poll() is not None or time.perf_counter() > deadline:
            raise RuntimeError("The worker stopped, or the cascade took too long")
        time.sleep(0.2)


def plain_loop(port: int, bulletin, sector, lead, count: int) -> float:
    """Messages per second for smtplib alone: the cascade's own messages, one connection."""
    from django.conf import settings

    from alerts.models import Alert
    from cascades.alerting import render, render_to
    from cascades.models import Cascade, Contact

    alert = Alert(kind=Alert.Kind.BULLETIN_CASCADE)
    base = render(alert, cascade=Cascade(alert=alert, bulletin=bulletin, sector=sector,
                                         sent_by=lead, version=0))  # fmt: skip
    contacts = list(Contact.objects.order_by("pk").values_list("pk", "email")[:count])
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for pk, email in contacts:
            message = render_to(alert, base, pk)
            connection.sendmail(
                settings.DEFAULT_FROM_EMAIL, [email], message.wire_bytes(email, f"<{pk}@bench>")
            )
    return len(contacts) / (time.perf_counter() - started)


def main() -> None:
    smtp, port = start_smtp_sink()
    fresh_database()
    setup_django(f"smtp://127.0.0.1:{port}")
    from django.utils import timezone

    from alerts.models import Delivery
    from cascades.services import cascade_bulletin

    per_sector = CONTACTS // SECTORS
    sectors = [make_sector(n, per_sector + (n < CONTACTS % SECTORS)) for n in range(SECTORS)]
    author = sectors[0][1]
    from django.contrib.auth.models import Group

    from accounts.models import NCPP_STAFF_GROUP

    author.groups.add(Group.objects.get(name=NCPP_STAFF_GROUP))
    bulletin = bulletin_for_all(author)
    print(
        f"Cascade of one bulletin by {SECTORS} sector leads to {CONTACTS:,} contacts "
        f"(worker: {CONCURRENCY} processes; SMTP: aiosmtpd, loopback)"
    )
    plain = plain_loop(port, bulletin, sectors[0][0], sectors[0][1], CONTACTS)

    worker = start_worker({**os.environ})
    try:
        started = time.perf_counter()
        for sector, lead in sectors:
            cascade_bulletin(bulletin, sector, actor=lead, contact_ids=None)
        wait_for(CONTACTS, worker)
        portal = CONTACTS / (time.perf_counter() - started)
        print(f"  plain smtplib loop, one connection : {plain:8.0f} messages/s")
        print(f"  portal cascades through Celery     : {portal:8.0f} messages/s")
        print(f"  ratio                              : {portal / plain:8.2f}")

        small, lead = make_sector(SECTORS, SMALL, name="Small sector")
        before = sent()
        committed = timezone.now()
        cascade_bulletin(bulletin, small, actor=lead, contact_ids=None)
        wait_for(before + SMALL, worker)
        latencies = sorted(
            (at - committed).total_seconds()
            for at in Delivery.objects.filter(alert__cascade__sector=small).values_list(
                "sent_at", flat=True
            )
        )
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(f"One cascade of {SMALL} contacts, worker idle")
        print(f"  commit to acceptance, median       : {statistics.median(latencies):8.2f} s")
        print(f"  commit to acceptance, p95          : {p95:8.2f} s")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        smtp.terminate()
        smtp.wait(timeout=10)


if __name__ == "__main__":
    main()
