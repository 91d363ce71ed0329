"""docker-compose.yml cannot run here (no Docker engine), so its promises are read and checked.

`make test` also validates it against the Compose specification with check-jsonschema.
"""

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict:
    return YAML(typ="safe").load((BASE_DIR / "docker-compose.yml").read_text())


PORTAL_SERVICES = ("web", "worker", "beat")


def env_example() -> dict[str, str]:
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def test_the_stack_has_every_service(compose):
    assert set(compose["services"]) == {
        "proxy", "migrate", "web", "worker", "beat", "postgres", "redis", "cache", "mailpit"
    }  # fmt: skip


def test_the_portal_services_wait_for_the_migrations_and_healthy_postgres_and_redis(compose):
    for name in PORTAL_SERVICES:
        depends = compose["services"][name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["cache"]["condition"] == "service_healthy", name
        assert "mailpit" not in depends, name
        assert compose["services"][name]["env_file"] == ".env", name


def test_every_long_running_service_but_beat_and_mailpit_has_a_health_check(compose):
    for name in ("proxy", "web", "worker", "postgres", "redis", "cache"):
        assert compose["services"][name]["healthcheck"]["test"], name


def test_only_the_proxy_is_published_and_web_is_reached_through_it(compose):
    services = compose["services"]
    assert "ports" not in services["web"]
    assert services["web"]["expose"] == ["8000"]
    assert set(services["proxy"]["ports"]) == {"80:80", "443:443"}
    for name, service in services.items():
        if name not in ("proxy", "mailpit"):
            assert "ports" not in service, name
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_the_proxy_is_a_pinned_nginx_with_the_config_and_certificates_from_the_repository(
    compose,
):
    proxy = compose["services"]["proxy"]
    assert re.fullmatch(r"nginx:\d+\.\d+\.\d+-alpine", proxy["image"]), proxy["image"]
    mounts = {target: source for source, target, *_ in (v.split(":") for v in proxy["volumes"])}
    assert mounts["/etc/nginx/conf.d/default.conf"] == "./deploy/nginx/portal.conf"
    assert mounts["/etc/nginx/portal/proxy-to-web.conf"] == "./deploy/nginx/proxy-to-web.conf"
    assert mounts["/etc/nginx/certs"] == "./deploy/certs"
    for source in mounts.values():
        assert (BASE_DIR / source).exists(), source
    assert all(volume.endswith(":ro") for volume in proxy["volumes"])


def test_mailpit_runs_only_in_the_dev_profile_and_only_for_this_machine(compose):
    mailpit = compose["services"]["mailpit"]
    assert mailpit["profiles"] == ["dev"]
    assert set(mailpit["ports"]) == {"127.0.0.1:1025:1025", "127.0.0.1:8025:8025"}
    for name, service in compose["services"].items():
        if name != "mailpit":
            assert "profiles" not in service, name
    assert "mailpit" not in env_example()["EMAIL_URL"]


def test_web_runs_gunicorn_with_the_config_file_the_image_uses(compose):
    assert compose["services"]["web"]["command"] == (
        "gunicorn portal.wsgi --config deploy/gunicorn.conf.py"
    )
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert 'CMD ["gunicorn", "portal.wsgi", "--config", "deploy/gunicorn.conf.py"]' in dockerfile
    assert "COPY deploy/gunicorn.conf.py ./deploy/gunicorn.conf.py" in dockerfile


def test_migrations_run_as_the_owner_and_the_portal_as_its_own_role(compose):
    services = compose["services"]
    migrate = services["migrate"]
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://${POSTGRES_USER:-portal}:")
    assert migrate["command"].index("migrate --noinput") < migrate["command"].index(
        "grant_app_role $${PORTAL_APP_USER}"
    )
    assert migrate["restart"] == "no"
    for name in PORTAL_SERVICES:
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://${PORTAL_APP_USER:-portal_app}:")
        # .env reaches them whole; the owner's password is blanked out of it.
        assert environment["POSTGRES_PASSWORD"] == "", name
    postgres = services["postgres"]
    assert "./deploy/postgres:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]
    assert {"PORTAL_APP_USER", "PORTAL_APP_PASSWORD"} <= set(postgres["environment"])


def test_every_variable_the_compose_file_reads_is_in_the_env_example():
    text = (BASE_DIR / "docker-compose.yml").read_text()
    read = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)", text))
    example = env_example()
    assert read <= set(example), read - set(example)
    # Defaults in the compose file agree with the example.
    for name, default in re.findall(r"(?<!\$)\$\{([A-Z_]+):-([^}]*)\}", text):
        assert example[name] == default, name


def test_every_change_marker_in_the_env_example_is_on_a_setting():
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    marked = []
    for number, line in enumerate(lines):
        if line.startswith("# CHANGE"):
            setting = next(later for later in lines[number + 1 :] if not later.startswith("#"))
            marked.append(setting.split("=", 1)[0])
    assert {"SECRET_KEY", "POSTGRES_PASSWORD", "PORTAL_APP_PASSWORD", "EMAIL_URL"} <= set(marked)


def test_redis_keeps_what_it_queues_and_never_evicts(compose):
    command = compose["services"]["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"


def test_the_cache_is_its_own_redis_that_forgets_and_keeps_nothing_on_disk(compose):
    command = compose["services"]["cache"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert command[command.index("--maxmemory") + 1].endswith("mb")
    assert command[command.index("--appendonly") + 1] == "no"
    assert command[command.index("--save") + 1] == ""
    assert "volumes" not in compose["services"]["cache"]
    for name in PORTAL_SERVICES:
        environment = compose["services"][name]["environment"]
        assert environment["CACHE_URL"] == "redis://cache:6379/0", name


def test_postgres_is_version_15_on_a_named_volume(compose):
    postgres = compose["services"]["postgres"]
    assert postgres["image"] == "postgres:15"
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]


def test_the_env_example_sets_everything_the_portal_needs_off_debug():
    required = {
        "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "EMAIL_URL", "DEBUG", "TRUSTED_PROXY_COUNT",
        "POSTGRES_PASSWORD", "PORTAL_APP_USER", "PORTAL_APP_PASSWORD",
    }  # fmt: skip
    example = env_example()
    assert required <= set(example)
    assert example["DEBUG"] == "false"
    assert example["SECURE_SSL_REDIRECT"] == "true"
    # nginx is the one proxy, and it replaces X-Forwarded-For with the client's address.
    assert example["TRUSTED_PROXY_COUNT"] == "1"
    assert example["PORTAL_BASE_URL"].startswith("https://")
    # The compose file makes DATABASE_URL from the role and password.
    assert "DATABASE_URL" not in example


def test_attachments_are_kept_on_a_named_volume(compose):
    volume = compose["services"]["web"]["volumes"][0]
    name, path = volume.split(":")
    assert name in compose["volumes"]
    assert path == "/app/var"
