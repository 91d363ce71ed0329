import re

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_sends_a_nonce_csp_that_forbids_inline_script(client):
    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    # The page's one inline script carries this response's nonce.
    assert f'<script nonce="{nonce}">' in response.content.decode()


def test_each_response_gets_a_fresh_nonce(client):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]

    assert re.search(r"nonce-[^']+", first).group() != re.search(r"nonce-[^']+", second).group()


def test_home_page_sends_the_production_security_headers(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=63072000; includeSubDomains; preload"
    )
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_plain_http_is_redirected_to_https():
    from django.test import Client

    response = Client().get("/")

    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/"


def test_health_check_answers_over_plain_http_for_the_load_balancer():
    from django.test import Client

    assert Client().get("/healthz").status_code == 200
