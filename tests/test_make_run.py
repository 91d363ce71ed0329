"""What `make run` and its terminal give a developer: another port when asked, links that
follow it, and a quiet terminal (no traceback for an ordinary refusal, no broker warning)."""

import logging
import shutil
import subprocess

import pytest
from django.conf import settings

from tests.helpers import BASE_DIR, copy_project, embedded_env


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_port_serves_on_that_port_and_links_follow_it():
    # -n prints what `make run` would run, without running any of it.
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=8300"], cwd=BASE_DIR, capture_output=True, text=True,
        env=embedded_env(),
    )  # fmt: skip
    assert plan.returncode == 0, plan.stderr
    serve = [line for line in plan.stdout.splitlines() if "run_embedded" in line]
    assert len(serve) == 1
    assert serve[0].rstrip().endswith("run_embedded 127.0.0.1:8300")
    assert "PORTAL_BASE_URL=${PORTAL_BASE_URL:-http://127.0.0.1:8300}" in serve[0]
    assert "The portal is at http://127.0.0.1:8300" in plan.stdout


def test_the_default_sender_is_the_services_name():
    assert settings.DEFAULT_FROM_EMAIL == f"{settings.SERVICE_NAME} <portal@localhost>"


@pytest.mark.django_db
def test_a_refused_request_is_logged_in_one_line_without_a_traceback(client, isl, caplog):
    client.force_login(isl)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/alerts/").status_code == 403

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /alerts/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback():
    from portal.logging import NoTracebackFor4xx

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", None,
            sys.exc_info(),
        )  # fmt: skip
    record.status_code = 500

    assert NoTracebackFor4xx().filter(record)
    assert record.exc_info is not None


def test_the_embedded_default_starts_without_kombus_no_hostname_warning(tmp_path):
    copy_project(tmp_path)
    # Queue one task through the in-process broker, as a publish does on the embedded default.
    code = "from portal.tasks import record_heartbeat; record_heartbeat.delay('check')"
    done = subprocess.run(
        [__import__("sys").executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=tmp_path, env=embedded_env(), capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "No hostname was supplied" not in done.stderr + done.stdout
