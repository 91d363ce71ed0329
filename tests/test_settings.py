"""Production settings: they refuse to start half-configured and pass Django's deploy check."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env() -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portal",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }


def test_production_settings_pass_the_deploy_check_with_no_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_without_secret_key_refuses_to_start_with_a_clear_message():
    env = production_env()
    del env["SECRET_KEY"]

    result = run_manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_mode_without_allowed_hosts_refuses_to_start_with_a_clear_message():
    env = production_env()
    del env["ALLOWED_HOSTS"]

    result = run_manage("check", **env)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_debug_mode_starts_without_secret_key_or_allowed_hosts():
    result = run_manage("check", DEBUG="true")

    assert result.returncode == 0, result.stderr
