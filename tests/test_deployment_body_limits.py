"""Request bodies are capped per route before anything reads them: an anonymous 30 MB upload is
refused from its headers, never parsed, spooled to disk or waited for."""

import io
import re
import socket
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.urls import reverse

from accounts.imports import MAX_BYTES as MAX_IMPORT_BYTES
from bulletins.attachments import MAX_ATTACHMENT_BYTES
from portal.request_limits import DEFAULT_LIMIT_MB, MB, ROUTE_LIMITS_MB, body_limit
from tests.conftest import BASE_DIR
from tests.deployment import running_gunicorn

THIRTY_MB = 30 * MB
BOUNDARY = "----portal-test-boundary"
# A CSRF cookie of the right form, which anyone can make up.
CSRF_COOKIE = f"{settings.CSRF_COOKIE_NAME}={'a' * 32}"


class WatchedBody(io.RawIOBase):
    """A well-formed multipart upload of `length` bytes, made as it is read, that counts every
    byte read: a refused one must never be touched."""

    def __init__(self, length: int) -> None:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.parts = [head, tail]
        self.filler = max(length - len(head) - len(tail), 0)
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.bytes_read < len(self.parts[0]):
            chunk = self.parts[0][self.bytes_read :]
        elif self.bytes_read < len(self.parts[0]) + self.filler:
            chunk = b"x" * min(len(self.parts[0]) + self.filler - self.bytes_read, 64 * 1024)
        else:
            chunk = self.parts[1][self.bytes_read - len(self.parts[0]) - self.filler :]
        size = min(len(buffer), len(chunk))
        buffer[:size] = chunk[:size]
        self.bytes_read += size
        return size


def post_through_wsgi(path: str, length: int, **extra: str) -> tuple[str, bytes, WatchedBody]:
    """POST `length` declared bytes to the portal's WSGI application, as gunicorn would."""
    body = WatchedBody(length)
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.30", "HTTP_X_FORWARDED_PROTO": "https",
        # What anyone can send, so CSRF goes on to read the form for its token.
        "HTTP_ORIGIN": "https://testserver", "HTTP_COOKIE": CSRF_COOKIE,
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(length),
        "wsgi.input": body, "wsgi.errors": sys.stderr, "wsgi.url_scheme": "https",
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **extra,
    }  # fmt: skip
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = status

    # As Django's test client does: the test's own database connection must stay open.
    signals.request_started.disconnect(close_old_connections)
    try:
        content = b"".join(WSGIHandler()(environ, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
    return answer["status"], content, body


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/bulletins/1/edit/"])
def test_an_anonymous_30_mb_upload_is_refused_without_reading_its_body(path):
    status, content, body = post_through_wsgi(path, THIRTY_MB)

    assert body.bytes_read == 0
    assert status.startswith("413")
    assert b"too large" in content


@pytest.mark.django_db
def test_a_chunked_body_without_a_length_is_refused():
    status, _, body = post_through_wsgi(
        "/accounts/login/", 0, CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked"
    )

    assert body.bytes_read == 0
    assert status.startswith("411")


@pytest.mark.django_db
def test_a_nonsense_content_length_is_refused():
    status, _, body = post_through_wsgi("/accounts/login/", 0, CONTENT_LENGTH="-5")

    assert body.bytes_read == 0
    assert status.startswith("400")


def test_the_cap_comes_before_every_middleware_that_may_read_the_body():
    middleware = settings.MIDDLEWARE
    cap = middleware.index("portal.request_limits.RequestBodyLimitMiddleware")
    # SecurityMiddleware only redirects to HTTPS from the headers, and adds its headers to the
    # refusal; everything after it may read the body (CSRF reads the form).
    assert middleware[:cap] == ["django.middleware.security.SecurityMiddleware"]


def test_the_routes_that_take_files_or_long_text_allow_what_their_forms_accept():
    framing = 64 * 1024
    for name, args in [("bulletin_new", []), ("bulletin_edit", [7])]:
        # A draft's form: its text and a file, each as large as they may be.
        limit = MAX_ATTACHMENT_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + framing
        assert body_limit(reverse(name, args=args)) >= limit, name
    assert body_limit(reverse("manage_import")) >= MAX_IMPORT_BYTES + framing
    for name, args in [("bulletin_paste", []), ("bulletin_amend", [7])]:
        assert body_limit(reverse(name, args=args)) >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE, name


def test_every_other_route_takes_the_small_default():
    for path in ["/accounts/login/", "/profile/", "/manage/invitations/new/", "/bulletins/7/",
                 "/bulletins/7/attachments/", "/bulletins/7/attachments/9/", "/bulletins/new/x/",
                 "/admin/login/"]:  # fmt: skip
        assert body_limit(path) == DEFAULT_LIMIT_MB * MB, path


def test_the_nginx_config_caps_the_same_routes_at_the_same_sizes():
    config = (BASE_DIR / "deploy" / "nginx" / "portal.conf").read_text()
    locations = re.findall(r"location ~ (\S+) \{\s*client_max_body_size (\d+)m;", config)
    server_defaults = re.findall(r"^    client_max_body_size (\d+)m;", config, re.MULTILINE)

    assert [(pattern, int(size)) for pattern, size in locations] == ROUTE_LIMITS_MB
    assert server_defaults and {int(size) for size in server_defaults} == {DEFAULT_LIMIT_MB}


@pytest.fixture(scope="module")
def gunicorn(django_db_setup, tmp_path_factory) -> Iterator[int]:
    """gunicorn with deploy/gunicorn.conf.py, as the `web` service runs it; yields its port."""
    with running_gunicorn(tmp_path_factory.mktemp("gunicorn") / "gunicorn.log") as port:
        yield port


def send_headers(port: int, head: str) -> bytes:
    """Send a request's head alone and return the first answer, or b"" if none comes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode())
        try:
            return sock.recv(4096)
        except TimeoutError:
            return b""


@pytest.mark.slow
def test_gunicorn_answers_an_oversized_upload_before_the_body_is_sent(gunicorn):
    answer = send_headers(
        gunicorn,
        "POST /accounts/login/ HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
        f"Origin: https://127.0.0.1\r\nCookie: {CSRF_COOKIE}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {THIRTY_MB}\r\n\r\n",
    )

    assert answer, "gunicorn waited for the 30 MB body instead of refusing it"
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


@pytest.mark.slow
def test_gunicorn_refuses_a_request_with_too_many_headers_or_too_long_a_line(gunicorn):
    many = "".join(f"X-Filler-{n}: {n}\r\n" for n in range(60))
    too_many = send_headers(gunicorn, f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n{many}\r\n")
    too_long = send_headers(gunicorn, f"GET /healthz?{'q' * 5000} HTTP/1.1\r\nHost: x\r\n\r\n")

    assert too_many.startswith(b"HTTP/1.1 431"), too_many[:200]
    assert too_long.startswith(b"HTTP/1.1 400"), too_long[:200]
    assert b"Request Line is too large" in too_long
