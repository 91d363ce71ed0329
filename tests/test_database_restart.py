"""A PostgreSQL restart (a failover, an upgrade) under a running gunicorn: the requests after it
succeed without restarting gunicorn, since each kept connection is checked before it is reused
(CONN_HEALTH_CHECKS). The restart is of the test's own cluster on a spare port, never the
shared server."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.deployment import collect_static, running_gunicorn
from tests.helpers import BASE_DIR
from tests.smtp_server import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="needs PostgreSQL 15's binaries"),
    pytest.mark.skipif(os.geteuid() != 0, reason="runs its cluster as the postgres user"),
]


def as_postgres(*command: str) -> None:
    # No pipes: a started server would hold them open and the call would never return.
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *command], check=True, timeout=120,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@contextmanager
def own_cluster(folder: Path) -> Iterator[tuple[str, Path]]:
    """A PostgreSQL 15 cluster of this test's own, on a spare loopback port: its URL and folder."""
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir(parents=True)
    shutil.chown(folder, "postgres")
    shutil.chown(sockets, "postgres")
    as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    port = free_port()
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
    log = str(folder / "server.log")
    as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", log, "-w", "start")
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres", data
    finally:
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")


def get(url: str) -> tuple[int, bytes]:
    """A GET as it arrives through the TLS proxy."""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_requests_after_a_postgresql_restart_succeed_without_restarting_gunicorn(tmp_path):
    # Outside pytest's own temporary folders, which the postgres user may not enter.
    folder = Path(tempfile.mkdtemp(prefix="portal-own-postgres-"))
    try:
        restart_under_gunicorn(folder, tmp_path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def restart_under_gunicorn(folder: Path, tmp_path: Path) -> None:
    with own_cluster(folder) as (url, data):
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=BASE_DIR, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True,
        )  # fmt: skip
        assert migrate.returncode == 0, migrate.stderr
        collect_static(tmp_path / "static")
        with running_gunicorn(
            tmp_path / "gunicorn.log",
            DATABASE_URL=url,
            STATIC_ROOT=str(tmp_path / "static"),
            CONN_MAX_AGE="600",
        ) as port:
            base = f"http://127.0.0.1:{port}"
            # Enough requests that both gunicorn workers (tests/deployment.py) hold a kept
            # connection before the restart, and meets the restart after it.
            for _ in range(30):
                assert get(f"{base}/healthz")[0] == 200

            as_postgres(
                str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(data.parent / "server.log"),
                "-m", "fast", "-w", "restart",
            )  # fmt: skip

            answers = [get(f"{base}/healthz") for _ in range(30)]
            assert [status for status, _ in answers] == [200] * 30, answers
            assert all(json.loads(body)["database"] == "ok" for _, body in answers)
            status, body = get(f"{base}/api/threat-level")
            assert status == 200, body[:300]
        assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()
