import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from accounts.models import NCPP_STAFF_GROUP, PORTAL_ADMINS_GROUP, Membership
from tests.factories import MembershipFactory, SectorFactory
from tests.helpers import make_person, record_change
from tests.smtp_server import SMTPServer
from threat_levels.models import ThreatLevelChange, ThreatLevelScope

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _plain_static_files(settings) -> None:
    # Production serves hashed names from collectstatic's manifest; tests have no manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: no rate-limit counts or cached pages left over.

    Only the portal's own keys go: the broker's queues share this Redis.
    """
    from django.core.cache import cache

    if not django_settings.CACHE_URL:
        cache.clear()
        return
    client = redis.Redis.from_url(django_settings.CACHE_URL)
    prefix = django_settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def client() -> Client:
    """A browser that reaches the portal through its TLS-terminating proxy, as in production."""
    return Client(headers={"X-Forwarded-Proto": "https"})


# --- Named people ---------------------------------------------------------
# Each has a TOTP authenticator, as every real account must (tests.helpers.make_person).


@pytest.fixture
def national(db) -> ThreatLevelScope:
    """The UK scope. A data migration makes it; transactional tests empty the tables after each
    test, so it is made again if it is gone."""
    scope, _ = ThreatLevelScope.objects.get_or_create(
        slug="national", defaults={"name": "UK (national)", "position": 10}
    )
    return scope


@pytest.fixture
def severe(national) -> ThreatLevelChange:
    """The national level in force: SEVERE since 29 August 2014, recorded as history."""
    return record_change(
        national, "SEVERE", timezone.make_aware(datetime(2014, 8, 29)), note="Raised."
    )


@pytest.fixture
def retail(db):
    return SectorFactory(name="Retail", slug="retail")


@pytest.fixture
def transport(db):
    return SectorFactory(name="Transport", slug="transport")


@pytest.fixture
def isl(retail):
    """An ISL: lead of the retail sector."""
    user = make_person("isl.retail@example.org", "Retail lead")
    MembershipFactory(user=user, sector=retail, role=Membership.Role.LEAD)
    return user


@pytest.fixture
def other_isl(transport):
    """An ISL of another sector: member of transport only."""
    user = make_person("isl.transport@example.org", "Transport member")
    MembershipFactory(user=user, sector=transport, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def outsider(db):
    """Signed in, but in no sector and no group."""
    return make_person("outsider@example.org", "Outsider")


@pytest.fixture
def ncpp_officer(db):
    user = make_person("ncpp.officer@example.org", "NCPP officer")
    user.groups.add(Group.objects.get_or_create(name=NCPP_STAFF_GROUP)[0])
    return user


@pytest.fixture
def portal_admin(db):
    user = make_person("portal.admin@example.org", "Portal admin")
    user.groups.add(Group.objects.get_or_create(name=PORTAL_ADMINS_GROUP)[0])
    return user


# --- A real Celery worker -------------------------------------------------


def test_database_url() -> str:
    """The URL of the test database pytest-django made, for processes the tests start."""
    db = django_settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SMTPServer]:
    """A real SMTP server (aiosmtpd) on a spare port, for the whole test session."""
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server) -> SMTPServer:
    """The session's SMTP server, emptied and behaving well at the start of the test."""
    smtp_server.handler.reset()
    return smtp_server


def worker_environment(**overrides: str) -> dict[str, str]:
    """The environment of a worker process the tests start: the test database, quick retries."""
    return {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": django_settings.REDIS_URL,
        "PYTHONUNBUFFERED": "1",
        "ALERTS_RETRY_BASE_SECONDS": "1",
        **overrides,
    }


def start_worker(env: dict[str, str], log_path: Path, name: str) -> subprocess.Popen:
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo",
             "--loglevel=INFO", "--without-mingle", "--without-gossip", "-n", name],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def celery_worker(
    django_db_setup, django_db_blocker, tmp_path_factory, smtp_server
) -> Iterator[dict]:
    """A real `celery worker` process on the test Redis and the test database, sending email
    to the session's SMTP server.

    Yields what a test needs to reach it: its pid, its log file and its environment.
    """
    from django.core.cache import cache

    from portal.celery import app
    from portal.tasks import HEARTBEAT_KEY, record_heartbeat

    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    env = worker_environment(EMAIL_URL=smtp_server.url)
    with django_db_blocker.unblock():
        app.control.purge()
    process = start_worker(env, log_path, f"test-{uuid.uuid4().hex[:8]}@%h")
    try:
        # Ready means it has run a task end to end, not merely started.
        token = f"ready-{uuid.uuid4().hex}"
        record_heartbeat.delay(token)
        deadline = time.monotonic() + 60
        while cache.get(HEARTBEAT_KEY.format(name=token)) is None:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The Celery worker did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield {"pid": process.pid, "log": log_path, "env": env}
    finally:
        stop_process(process)


@pytest.fixture
def tasks_in_process() -> Iterator[None]:
    """Run Celery tasks in this process, as the embedded default does, for tests that read
    the email a task sends (pytest-django keeps sent mail in `mailoutbox`)."""
    from portal.celery import app

    # With a namespace, Celery reads the prefixed names first.
    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)
    yield
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=before[0], CELERY_TASK_EAGER_PROPAGATES=before[1])
