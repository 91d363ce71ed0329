"""Sign-in: rate limits that hold behind the proxy, no enumeration, Django admin behind allauth."""

import re

import pytest
from django.test import Client

from accounts.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "198.51.100.7"  # the address our one trusted proxy appends for this attacker


def through_proxy(spoofed: str = "") -> Client:
    """A client whose requests arrive through the TLS proxy, with whatever X-Forwarded-For
    the client itself sent kept in front of the address the proxy appends."""
    forwarded = f"{spoofed}, {PROXY}" if spoofed else PROXY
    return Client(headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": forwarded})


def sign_in(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_after_five_failures_the_right_password_is_refused_too(isl):
    for attempt in range(5):
        response = sign_in(through_proxy(f"203.0.113.{attempt}"), isl.email, "wrong password")
        assert response.status_code == 200

    client = through_proxy("203.0.113.99")
    response = sign_in(client, isl.email, PASSWORD)

    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session
    assert not response.headers.get("Location")


def test_a_spoofed_forwarded_for_does_not_reset_the_per_address_limit(isl, other_isl):
    # Ten failures against different accounts, each claiming a different origin.
    for attempt in range(10):
        sign_in(through_proxy(f"192.0.2.{attempt}"), f"nobody{attempt}@example.org", "wrong")

    response = sign_in(through_proxy("192.0.2.200"), other_isl.email, PASSWORD)

    assert b"Too many failed login attempts" in response.content


def test_the_limit_is_per_address_so_others_can_still_sign_in(isl, other_isl):
    for attempt in range(10):
        sign_in(through_proxy(), f"nobody{attempt}@example.org", "wrong")

    elsewhere = Client(headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.200"})
    response = sign_in(elsewhere, other_isl.email, PASSWORD)

    assert response.status_code == 302


def test_django_admin_login_goes_through_the_rate_limited_sign_in(client):
    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=")


def test_an_isl_is_refused_the_django_admin(client, isl):
    client.force_login(isl)

    assert client.get("/admin/login/").status_code == 403
    assert client.get("/admin/").status_code in (302, 403)
    assert client.get("/admin/accounts/user/").status_code in (302, 403)


def strip_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def test_sign_in_answers_the_same_for_known_and_unknown_addresses(client, isl):
    known = sign_in(client, isl.email, "wrong password")
    unknown = sign_in(Client(headers={"X-Forwarded-Proto": "https"}), "no.one@example.org",
                      "wrong password")  # fmt: skip

    assert known.status_code == unknown.status_code == 200
    known_page = strip_tokens(known.content.decode()).replace(isl.email, "EMAIL")
    unknown_page = strip_tokens(unknown.content.decode()).replace("no.one@example.org", "EMAIL")
    assert known_page == unknown_page


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, isl, mailoutbox):
    known = client.post("/accounts/password/reset/", {"email": isl.email})
    unknown = client.post("/accounts/password/reset/", {"email": "no.one@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    # The owner of the known address gets the link; the unknown one learns nothing new.
    assert any(isl.email in message.to for message in mailoutbox)


def test_each_sign_in_and_each_failure_write_one_audit_row(client, isl):
    sign_in(client, isl.email, "wrong password")
    failed = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert failed.actor is None
    assert failed.changes["email"] == isl.email

    client.force_login(isl)
    signed_in = AuditEvent.objects.get(action="auth.signed_in")
    assert (signed_in.actor, signed_in.object_id) == (isl, str(isl.pk))


def test_a_post_without_a_csrf_token_is_refused(isl):
    client = Client(enforce_csrf_checks=True, headers={"X-Forwarded-Proto": "https"})
    client.force_login(isl)

    response = client.post("/profile/", {"name": "Changed", "organisation": "", "phone": ""})

    assert response.status_code == 403
    isl.refresh_from_db()
    assert isl.name == "Retail lead"
