"""Production settings: they refuse to start half-configured and pass Django's deploy check."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

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
            "CACHE_URL",
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


def example_secret_key() -> str:
    """The SECRET_KEY that .env.example ships with, for people to replace."""
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    return next(line.split("=", 1)[1] for line in lines if line.startswith("SECRET_KEY="))


WEAK_SECRET_KEYS = {
    "env-example": example_secret_key(),
    "short": secrets.token_urlsafe(30),
    "django-insecure": "django-insecure-" + secrets.token_urlsafe(50),
    "few-characters": "ab12" * 20,
    "placeholder-word": "please-replace-this-" + secrets.token_urlsafe(40),
    "old-dockerfile-key": "collectstatic-only",
}


@pytest.mark.parametrize("key", WEAK_SECRET_KEYS.values(), ids=WEAK_SECRET_KEYS.keys())
def test_production_mode_refuses_a_placeholder_or_weak_secret_key(key):
    result = run_manage("check", **{**production_env(), "SECRET_KEY": key})

    assert result.returncode != 0
    assert "SECRET_KEY is not safe to use" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr  # says what to do
    assert key not in result.stderr  # and never repeats the key into a log


def test_a_weak_secret_key_is_still_fine_for_local_development():
    result = run_manage("check", DEBUG="true", SECRET_KEY=example_secret_key())

    assert result.returncode == 0, result.stderr


def test_production_mode_accepts_a_random_secret_key_and_the_test_suites_own():
    for key in (secrets.token_urlsafe(50), secrets.token_hex(32), os.environ["SECRET_KEY"]):
        result = run_manage("check", **{**production_env(), "SECRET_KEY": key})

        assert result.returncode == 0, result.stderr


SHOW_REDIS = (
    "from django.conf import settings; "
    "print(settings.CACHES['default'].get('LOCATION', 'local-memory'), settings.CELERY_BROKER_URL)"
)


@pytest.mark.parametrize(
    ("env", "cache", "broker"),
    [
        ({"CACHE_URL": "redis://cache:6379/0", "REDIS_URL": "redis://broker:6379/0"},
         "redis://cache:6379/0", "redis://broker:6379/0"),
        ({"REDIS_URL": "redis://broker:6379/0"}, "redis://broker:6379/0", "redis://broker:6379/0"),
        ({}, "local-memory", "memory://localhost/"),
    ],
    ids=["apart", "one-server", "embedded"],
)  # fmt: skip
def test_the_cache_has_its_own_redis_when_given_one(env, cache, broker):
    result = run_manage("shell", "--no-imports", "-c", SHOW_REDIS, DEBUG="true", **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [cache, broker]
