"""`make run`'s embedded default: SQLite under var/, tasks in process, no services at all."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_PARTS = [
    "manage.py",
    "portal",
    "accounts",
    "threat_levels",
    "bulletins",
    "alerts",
    "demo",
    "templates",
]


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The project in a scratch folder, so its var/ is not the developer's."""
    for part in PROJECT_PARTS:
        source = BASE_DIR / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / part)
    return tmp_path


def embedded_env() -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}
    }
    env.update({"DEBUG": "true", "PYTHONUNBUFFERED": "1"})
    env.pop("SECRET_KEY", None)
    env.pop("ALLOWED_HOSTS", None)
    return env


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
