import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError

from tests.helpers import PASSWORD, totp_code

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_the_user_model_has_no_username_and_keys_on_email():
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(User, "username")


def test_email_addresses_are_stored_lower_case():
    user = User.objects.create_user("Alice.Lead@Example.ORG", PASSWORD)

    assert user.email == "alice.lead@example.org"


def test_two_people_cannot_share_an_address_in_different_case():
    User.objects.create_user("lead@example.org", PASSWORD)

    with pytest.raises(IntegrityError):
        User.objects.create(email="LEAD@example.org")


def test_a_person_authenticates_with_email_and_password(isl):
    assert authenticate(email="ISL.Retail@example.org", password=PASSWORD) == isl
    assert authenticate(email="isl.retail@example.org", password="wrong password") is None


def test_a_person_signs_in_with_email_password_and_code(client, isl):
    response = client.post(
        "/accounts/login/", {"login": "isl.retail@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(isl.totp_secret)})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.session["_auth_user_id"] == str(isl.pk)
    dashboard = client.get("/")
    assert b"Dashboard" in dashboard.content
    assert b'Your profile<span class="govuk-visually-hidden"> (Retail lead)' in dashboard.content


def test_a_wrong_password_keeps_the_person_out_with_a_message(client, isl):
    response = client.post(
        "/accounts/login/", {"login": "isl.retail@example.org", "password": "not the password"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"There is a problem" in response.content


def test_the_session_cookie_is_host_prefixed_secure_and_http_only(client, isl):
    client.post("/accounts/login/", {"login": "isl.retail@example.org", "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(isl.totp_secret)})

    cookie = response.cookies["__Host-session"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_open_sign_up_creates_nobody(client):
    before = User.objects.count()

    client.post(
        "/accounts/signup/",
        {"email": "stranger@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert User.objects.count() == before
