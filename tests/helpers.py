"""The tests' shared helpers: people, bulletins and threat-level changes, made as the portal
makes them. Plain functions; the fixtures that use them are in the conftest.py files."""

import io
import os
import re
import shutil
import time
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.utils import timezone

from accounts.models import Sector, User
from alerts import delivery, digest
from alerts.models import Delivery
from bulletins.models import Bulletin, Marking
from bulletins.services import create_draft, publish_bulletin, withdraw_bulletin
from cascades.models import Contact
from tests.factories import UserFactory
from threat_levels.models import ThreatLevelChange, ThreatLevelScope
from threat_levels.services import record_threat_level

PASSWORD = "correct-horse-battery-staple"


def make_person(email: str, name: str, *, second_factor: bool = True, **fields) -> User:
    """A person with a verified address and the password PASSWORD.

    With `second_factor` (as every real account must have) they also have a TOTP
    authenticator, so that `client.force_login(person)` reaches pages behind the MFA
    requirement; its secret is kept on the object as `totp_secret` for tests that sign in
    for real. Without it they are signed in only halfway: every page sends them to set one up.
    """
    user = UserFactory(email=email, name=name, password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if second_factor:
        user.totp_secret = generate_totp_secret()
        TOTP.activate(user, user.totp_secret)
    return user


# A code is good only within its own 30-second step (no tolerance is configured), so a code
# asked for this close to the end of a step is made for the next one instead: otherwise it can
# lapse between being typed and being checked, and a sign-in fails at random.
TOTP_MARGIN_SECONDS = 5


def totp_code(secret: str) -> str:
    """The code an authenticator app would show for `secret` now, with time left to use it."""
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < TOTP_MARGIN_SECONDS:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def totp_secret_on(page: str) -> str:
    """The setup key the authenticator set-up page shows, as a person would copy it."""
    match = re.search(r'id="authenticator_secret">([A-Z2-7]+)<', page)
    assert match, "no setup key on the page"
    return match.group(1)


def make_people(count: int, prefix: str = "person") -> list[User]:
    """Active people made in bulk, with an address and nothing else: alerts need no more."""
    User.objects.bulk_create(
        User(email=f"{prefix}{n:05d}@example.org", name=f"{prefix} {n}") for n in range(count)
    )
    return list(User.objects.filter(email__startswith=prefix).order_by("email"))


def make_bulletin(
    author: User,
    *,
    title: str = "Advice for sector leads",
    status: str = Bulletin.Status.PUBLISHED,
    marking: str = Marking.GREEN,
    sectors: Iterable[Sector] = (),
    all_sectors: bool = False,
    send_alert: bool = False,
    published_at: datetime | None = None,
    **fields,
) -> Bulletin:
    """A bulletin made through the services, as staff would make it."""
    fields.setdefault("summary", f"Summary of {title}")
    bulletin = create_draft(
        author=author,
        title=title,
        marking=marking,
        all_sectors=all_sectors,
        sectors=list(sectors),
        **fields,
    )
    if status != Bulletin.Status.DRAFT:
        bulletin = publish_bulletin(
            bulletin, publisher=author, send_alert=send_alert, published_at=published_at
        )
    if status == Bulletin.Status.WITHDRAWN:
        bulletin = withdraw_bulletin(bulletin, reason="Out of date.", actor=author)
    return bulletin


def record_change(
    scope: ThreatLevelScope,
    level: str,
    effective_at: datetime | None = None,
    *,
    note: str = "A test change.",
    **kwargs,
) -> ThreatLevelChange:
    """Record a change through the one service that does it; a correction unless asked."""
    kwargs.setdefault("recorded_by", None)
    kwargs.setdefault("send_alert", False)
    return record_threat_level(
        scope=scope,
        level=level,
        effective_at=effective_at or timezone.now() - timedelta(seconds=1),
        note=note,
        **kwargs,
    )


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def send_digest_now(day: date):
    """What the 07:00 job and the worker do for `day`'s digest, run here and at once: the
    digest alert written, fanned out, and each batch sent. The alert, or None if nothing is due."""
    alert = digest.make_daily_digest(day)
    if alert is not None:
        delivery.fan_out(alert.pk, queue_batch=delivery.send_batch)
    return alert


def wait_until(condition: Callable[[], object], timeout: float = 60, what: str = ""):
    """Poll until `condition()` is truthy and return what it gave; fail the test if it never is."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout} s waiting for {what or condition}")
        time.sleep(0.1)
    return result


# --- Email, pages and files -------------------------------------------------


def link_in(message, prefix: str) -> str:
    """The first link in an email's plain-text part that starts with `prefix`."""
    match = re.search(re.escape(prefix) + r"\S+", message.body)
    assert match, f"no link starting {prefix} in:\n{message.body}"
    return match.group(0)


def deliveries(status: str | None = None) -> int:
    """How many deliveries there are, of every alert, in `status` if given."""
    queryset = Delivery.objects.all()
    return (queryset.filter(status=status) if status else queryset).count()


ROW_LINK = re.compile(r'<a class="govuk-link" href="/bulletins/(\d+)/">')


def listed(response) -> list[int]:
    """The bulletins a list or search page shows, in order, read from the page as people see it."""
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.search(r'<tbody class="govuk-table__body">(.*?)</tbody>', html, re.S)
    return [int(pk) for pk in ROW_LINK.findall(rows.group(1))] if rows else []


def every_listed(client, path: str, params: dict | None = None) -> list[int]:
    """Every bulletin a list or search page shows, following its pages to the last."""
    found, number = [], 1
    while True:
        response = client.get(path, {**(params or {}), "page": number})
        found += listed(response)
        if 'rel="next"' not in response.content.decode():
            return found
        number += 1


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


# --- The embedded default, in a scratch copy of the project ------------------------------

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_PARTS = [
    "manage.py",
    "portal",
    "accounts",
    "threat_levels",
    "bulletins",
    "alerts",
    "calls",
    "cascades",
    "demo",
    "templates",
]


def copy_project(destination: Path) -> Path:
    """The project in a scratch folder, so its var/ (SQLite, attachments) is not the
    developer's."""
    for part in PROJECT_PARTS:
        source = BASE_DIR / part
        if source.is_dir():
            shutil.copytree(
                source, destination / part, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy(source, destination / part)
    return destination


def embedded_env() -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}
    }
    env.update({"DEBUG": "true", "PYTHONUNBUFFERED": "1"})
    env.pop("SECRET_KEY", None)
    env.pop("ALLOWED_HOSTS", None)
    return env


def sweep_through(broker_url: str, settings) -> None:
    """The sweep (beat's job in production) run now, queueing on the broker at `broker_url`:
    whatever a dead worker held goes back on the conveyor, before a new worker starts, so
    nothing it claims is mistaken for a dead worker's. `settings` is pytest-django's fixture."""
    from celery import Celery

    conveyor = Celery(broker=broker_url, set_as_current=False)
    settings.ALERTS_STUCK_AFTER_SECONDS = 0
    settings.ALERTS_LOST_AFTER_SECONDS = 0
    delivery.sweep(
        queue_fan_out=lambda pk: conveyor.send_task("alerts.tasks.fan_out_alert", args=[pk]),
        queue_batch=lambda ids: conveyor.send_task("alerts.tasks.send_deliveries", args=[ids]),
    )


def make_contacts(sector, count: int, prefix: str = "org", **fields) -> list[Contact]:
    """`count` organisations of `sector`, one address each."""
    return Contact.objects.bulk_create(
        [
            Contact(
                sector=sector,
                organisation=f"{prefix.title()} {number:05d} Ltd",
                name=f"Contact {number}",
                email=f"{prefix}{number:05d}@{sector.slug}.example.org",
                **fields,
            )
            for number in range(count)
        ]
    )
