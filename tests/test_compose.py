"""docker-compose.yml cannot run here (no Docker engine), so its promises are read and checked.

`make test` also validates it against the Compose specification with check-jsonschema.
"""

from pathlib import Path

import pytest
from ruamel.yaml import YAML

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict:
    return YAML(typ="safe").load((BASE_DIR / "docker-compose.yml").read_text())


def test_the_stack_has_every_service(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "postgres", "redis", "mailpit"}


def test_the_portal_services_wait_for_healthy_postgres_and_redis(compose):
    for name in ("web", "worker", "beat"):
        depends = compose["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert compose["services"][name]["env_file"] == ".env", name


def test_every_long_running_service_but_beat_and_mailpit_has_a_health_check(compose):
    for name in ("web", "worker", "postgres", "redis"):
        assert compose["services"][name]["healthcheck"]["test"], name


def test_redis_keeps_what_it_queues_and_never_evicts(compose):
    command = compose["services"]["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"


def test_postgres_is_version_15_on_a_named_volume(compose):
    postgres = compose["services"]["postgres"]
    assert postgres["image"] == "postgres:15"
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]


def test_mailpit_exposes_smtp_and_its_web_ui(compose):
    assert set(compose["services"]["mailpit"]["ports"]) == {"1025:1025", "8025:8025"}


def test_the_env_example_sets_everything_the_portal_needs_off_debug():
    example = (BASE_DIR / ".env.example").read_text()
    names = {
        line.split("=", 1)[0]
        for line in example.splitlines()
        if "=" in line and not line.startswith("#")
    }
    required = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DEBUG"}
    assert required <= names


def test_attachments_are_kept_on_a_named_volume(compose):
    volume = compose["services"]["web"]["volumes"][0]
    name, path = volume.split(":")
    assert name in compose["volumes"]
    assert path == "/app/var"
