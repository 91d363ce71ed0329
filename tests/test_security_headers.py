import base64
import hashlib
import re

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_sends_a_csp_that_allows_only_the_layouts_own_inline_script(client):
    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    # The page's one inline script is allowed by its hash, and nothing else inline is.
    scripts = re.findall(r"<script>(.*?)</script>", response.content.decode(), re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    sources = directives["script-src"].split()
    assert sources == ["'self'", f"'sha256-{digest}'"]


def test_the_policy_is_the_same_on_every_response_so_a_public_page_can_be_shared(client):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/bulletins/").headers["Content-Security-Policy"]

    assert first == second
    assert "nonce-" not in first


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
