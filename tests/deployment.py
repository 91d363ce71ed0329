"""The shipped stack's pieces, run for real by the deployment tests: gunicorn with
deploy/gunicorn.conf.py, nginx with deploy/nginx/, the portal's own database role.

Each process is started, owned and stopped by the test that needs it.
"""

import io
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.core.management import call_command
from django.db import connection

from tests.conftest import BASE_DIR, stop_process, test_database_url, worker_environment
from tests.smtp_server import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def collect_static(root: Path) -> None:
    """Production settings serve hashed names from collectstatic's manifest."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR, env=worker_environment(STATIC_ROOT=str(root)), check=True,
    )  # fmt: skip


@contextmanager
def running_gunicorn(log: Path, **env: str) -> Iterator[int]:
    """gunicorn with the `web` service's config file on a loopback port; yields the port."""
    port = free_port()
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "--config", "deploy/gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=BASE_DIR, env=worker_environment(**env), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", process, log)
        yield port
    finally:
        stop_process(process)


def wait_for_http(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} never answered:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.1)


def self_signed_certificate(folder: Path) -> None:
    """What `make tls-cert` makes for trying the compose stack."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(folder / "privkey.pem"),
         "-out", str(folder / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip


def nginx_config(folder: Path, upstream_port: int, http_port: int, https_port: int) -> Path:
    """deploy/nginx/ laid out as the `proxy` service mounts it, on loopback ports instead of
    80 and 443 and with gunicorn on loopback instead of `web:8000`; returns the main file."""
    shipped = (BASE_DIR / "deploy" / "nginx" / "portal.conf").read_text()
    local = shipped
    for shipped_text, local_text in [
        ("server web:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
    ]:
        assert local.count(shipped_text) == 1, f"deploy/nginx/portal.conf lost {shipped_text!r}"
        local = local.replace(shipped_text, local_text)
    (folder / "conf.d").mkdir(parents=True)
    (folder / "portal").mkdir()
    (folder / "conf.d" / "default.conf").write_text(local)
    shutil.copy(BASE_DIR / "deploy" / "nginx" / "proxy-to-web.conf", folder / "portal")
    self_signed_certificate(folder / "certs")
    # The official image's main file, less what needs root: the same `http` defaults.
    main = folder / "nginx.conf"
    # Started as root, nginx's workers would otherwise drop to `nobody`, shut out of pytest's
    # private temporary folders.
    user = "user root;" if os.geteuid() == 0 else ""
    main.write_text(f"""
{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    sendfile on;
    keepalive_timeout 65;
    include {folder}/conf.d/*.conf;
}}
""")
    return main


@contextmanager
def running_nginx(
    folder: Path, upstream_port: int, ports: dict[str, int] | None = None
) -> Iterator[dict[str, int]]:
    """nginx with the shipped config in front of gunicorn; yields its two ports."""
    ports = ports or {"http": free_port(), "https": free_port()}
    main = nginx_config(folder, upstream_port, ports["http"], ports["https"])
    log = folder / "nginx.out"
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(main), "-g", "daemon off;"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for_http(f"http://127.0.0.1:{ports['http']}/healthz", process, log)
        yield ports
    finally:
        stop_process(process)


@contextmanager
def app_role() -> Iterator[dict[str, str]]:
    """A role of the portal's own on the test database, granted as the `migrate` service
    grants it; yields its name and its DATABASE_URL. Dropped afterwards."""
    name = f"portal_app_test_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    parts = urlsplit(test_database_url())
    host = parts.hostname or "127.0.0.1"
    # The postgres container's init script, pointed at the test database.
    subprocess.run(
        ["sh", str(BASE_DIR / "deploy" / "postgres" / "10-portal-app-role.sh")],
        env={**os.environ, "PGHOST": host, "PGPORT": str(parts.port or 5432),
             "PGPASSWORD": parts.password or "", "POSTGRES_USER": parts.username or "postgres",
             "POSTGRES_DB": parts.path.lstrip("/"), "PORTAL_APP_USER": name,
             "PORTAL_APP_PASSWORD": password},
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        call_command("grant_app_role", name, stdout=io.StringIO())
        url = urlunsplit(
            (parts.scheme, f"{name}:{password}@{host}:{parts.port or 5432}", parts.path, "", "")
        )
        yield {"name": name, "password": password, "url": url}
    finally:
        with connection.cursor() as cursor:
            # DROP OWNED takes its grants and default privileges in this database with it.
            cursor.execute(f'DROP OWNED BY "{name}"')
            cursor.execute(f'DROP ROLE "{name}"')
        # Opened outside any test: left open, it would keep the test database from being dropped.
        connection.close()
