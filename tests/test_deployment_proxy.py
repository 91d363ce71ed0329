"""The shipped proxy, run for real: nginx with deploy/nginx/ in front of gunicorn with
deploy/gunicorn.conf.py, the portal connected as its own database role, production settings.

An outsider reaches the portal only through nginx, which decides who the client is and how
large a body may be.
"""

import re
import socket
import ssl
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.conf import settings

from accounts.models import AuditEvent
from portal.request_limits import MB
from tests.deployment import (
    NGINX,
    collect_static,
    nginx_config,
    running_gunicorn,
    running_nginx,
)
from tests.deployment import (
    app_role as make_app_role,
)
from tests.smtp_server import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(NGINX).exists(), reason="needs nginx: `make nginx` installs it"),
]


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict]:
    """nginx on two loopback ports (for 80 and 443) in front of gunicorn, for this module."""
    folder = tmp_path_factory.mktemp("stack")
    collect_static(folder / "static")
    https_origin = "https://127.0.0.1:{port}"
    with django_db_blocker.unblock(), make_app_role() as role:
        # The proxy's HTTPS port is not 443 here, so the browser's origin carries it.
        nginx_ports = {"http": free_port(), "https": free_port()}
        origin = https_origin.format(port=nginx_ports["https"])
        with running_gunicorn(
            folder / "gunicorn.log",
            DATABASE_URL=role["url"],
            STATIC_ROOT=str(folder / "static"),
            CSRF_TRUSTED_ORIGINS=origin,
        ) as gunicorn_port:
            with running_nginx(folder / "nginx", gunicorn_port, nginx_ports) as ports:
                yield {
                    "https": f"https://127.0.0.1:{ports['https']}",
                    "http": f"http://127.0.0.1:{ports['http']}",
                    "https_port": ports["https"],
                    "certificate": str(folder / "nginx" / "certs" / "fullchain.pem"),
                    "gunicorn_log": folder / "gunicorn.log",
                }


def browser(stack: dict) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy or CA bundle from the environment
    session.verify = stack["certificate"]
    session.headers["Origin"] = stack["https"]
    return session


def gunicorn_saw(stack: dict, request_line: str) -> bool:
    return request_line in stack["gunicorn_log"].read_text()


def test_the_shipped_nginx_config_passes_nginx_own_check(tmp_path):
    main = nginx_config(tmp_path, free_port(), free_port(), free_port())

    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_forged_forwarded_for_cannot_escape_the_sign_in_limit(stack):
    # Failures a minute from one client address (ACCOUNT_RATE_LIMITS), whatever it claims.
    per_address = int(re.search(r"(\d+)/m/ip", settings.ACCOUNT_RATE_LIMITS["login_failed"])[1])
    forged = [f"198.51.100.{n}" for n in range(1, per_address + 3)]
    answers = []
    for attempt, address in enumerate(forged):
        session = browser(stack)
        session.headers["X-Forwarded-For"] = address
        page = session.get(f"{stack['https']}/accounts/login/")
        assert page.status_code == 200, page.text[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answers.append(
            session.post(
                f"{stack['https']}/accounts/login/",
                data={
                    "csrfmiddlewaretoken": token,
                    "login": f"nobody{attempt}-{uuid.uuid4().hex[:6]}@example.org",
                    "password": "not the password",
                },
            )
        )

    assert all(answer.status_code == 200 for answer in answers)
    refused = ["Too many failed login attempts" in answer.text for answer in answers]
    assert refused == [False] * per_address + [True] * 2
    # The portal recorded the address the connection came from, never the claimed one.
    recorded = set(AuditEvent.objects.values_list("ip", flat=True))
    assert recorded == {"127.0.0.1"}


def test_an_oversized_body_is_refused_by_nginx_before_gunicorn_sees_it(stack):
    context = ssl.create_default_context(cafile=stack["certificate"])
    with socket.create_connection(("127.0.0.1", stack["https_port"]), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as sock:
            sock.sendall(
                (
                    "POST /accounts/login/?too-large HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Content-Type: multipart/form-data; boundary=x\r\n"
                    f"Content-Length: {30 * MB}\r\n\r\n"
                ).encode()
            )
            # Only the headers went: the refusal comes without waiting for the body.
            answer = sock.recv(4096)

    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert not gunicorn_saw(stack, "/accounts/login/?too-large")


def test_only_the_drafts_form_takes_a_20_mb_attachment(stack):
    session = browser(stack)
    twenty_mb = b"x" * (20 * MB + 1000)

    draft = session.post(f"{stack['https']}/bulletins/1/edit/?big", data=twenty_mb)
    sign_in = session.post(f"{stack['https']}/accounts/login/?big", data=twenty_mb)
    too_big = session.post(f"{stack['https']}/bulletins/1/edit/?too-big", data=b"x" * (27 * MB))

    # Through to the portal, which refuses a stranger's form for want of a CSRF token.
    assert draft.status_code == 403
    assert gunicorn_saw(stack, "/bulletins/1/edit/?big")
    for refused, line in [(sign_in, "/accounts/login/?big"),
                          (too_big, "/bulletins/1/edit/?too-big")]:  # fmt: skip
        assert refused.status_code == 413
        assert not gunicorn_saw(stack, line)


def test_plain_http_only_redirects_to_https_but_answers_the_health_check(stack):
    page = browser(stack).get(f"{stack['http']}/accounts/login/?next=/", allow_redirects=False)
    health = browser(stack).get(f"{stack['http']}/healthz")

    assert page.status_code == 301
    assert page.headers["Location"] == "https://127.0.0.1/accounts/login/?next=/"
    assert health.status_code == 200
    assert health.json()["database"] == "ok"


def test_the_portal_is_told_the_request_came_over_https(stack):
    page = browser(stack).get(f"{stack['https']}/accounts/login/", allow_redirects=False)

    # No redirect to HTTPS, and the __Host- cookies that need a secure request.
    assert page.status_code == 200
    assert "Strict-Transport-Security" in page.headers
    assert "__Host-csrftoken" in page.headers["Set-Cookie"]
