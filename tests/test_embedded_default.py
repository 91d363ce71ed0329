"""`make run`'s embedded default: SQLite under var/, tasks in process, no services at all."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import copy_project, embedded_env


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@pytest.mark.slow
def test_the_embedded_default_migrates_on_sqlite_and_serves_the_home_page(project_copy):
    env = embedded_env()
    manage = [sys.executable, "manage.py"]

    migrate = subprocess.run(
        [*manage, "migrate", "--noinput"], cwd=project_copy, env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    assert (project_copy / "var" / "portal.sqlite3").exists()

    seed = subprocess.run(
        [*manage, "seed_demo"], cwd=project_copy, env=env, capture_output=True, text=True
    )
    assert seed.returncode == 0, seed.stderr
    assert "ncpp.officer@example.org" in seed.stdout

    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=project_copy, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert status == 200
        assert b"Protective security briefings" in body

        status, body = get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200
        health = json.loads(body)
        assert (health["status"], health["database"], health["broker"]) == (
            "ok", "ok", "in-process",
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=10)


SCHEDULE_A_CHANGE = """
from datetime import timedelta
from django.utils import timezone
from accounts.models import User
from threat_levels.models import ThreatLevelScope
from threat_levels.services import record_threat_level
User.objects.create_user(email="reader@example.org", password=None, name="Reader")
change = record_threat_level(
    scope=ThreatLevelScope.objects.get(slug="national"), level="CRITICAL",
    effective_at=timezone.now() + timedelta(seconds=4), note="Raised.", recorded_by=None,
    send_alert=True,
)
print(change.effective_at.isoformat())
"""

ALERT_STATE = """
from alerts.models import Delivery
for d in Delivery.objects.select_related("alert__threat_level_change"):
    print(d.user.email, d.status, d.sent_at.isoformat() if d.sent_at else "-",
          d.alert.threat_level_change.effective_at.isoformat())
"""


@pytest.mark.slow
def test_make_runs_server_sends_a_scheduled_changes_alert_at_its_time_with_no_manual_step(
    project_copy,
):
    """`make run` serves with `run_embedded`: the periodic jobs run beside the server, so the
    alert of a change scheduled for later goes out when it takes effect, and not before."""
    env = embedded_env() | {"ALERTS_SWEEP_EVERY_SECONDS": "1"}
    manage = [sys.executable, "manage.py"]

    def shell(code: str) -> str:
        done = subprocess.run(
            [*manage, "shell", "--no-imports", "-c", code], cwd=project_copy, env=env,
            capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    migrate = subprocess.run(
        [*manage, "migrate", "--noinput"], cwd=project_copy, env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    shell(SCHEDULE_A_CHANGE)
    assert shell(ALERT_STATE) == "", "nothing is sent before the change takes effect"

    log = project_copy / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [*manage, "run_embedded", "--noreload", f"127.0.0.1:{free_port()}"],
            cwd=project_copy, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while "To: reader@example.org" not in log.read_text():
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"no alert email after 60 s:\n{log.read_text()}"
            time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=10)

    email, status, sent_at, effective_at = shell(ALERT_STATE).split()
    assert (email, status) == ("reader@example.org", "sent")
    assert sent_at >= effective_at
    assert "Subject: Threat level: UK (national) is now CRITICAL" in log.read_text()
