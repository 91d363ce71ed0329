"""Everyone has a second factor: nothing is reachable without one."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

from accounts.models import AuditEvent
from tests.conftest import PASSWORD, totp_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SET_UP = "/accounts/2fa/totp/activate/"
# Pages a signed-in person uses; each must wait until a second factor is set up.
PRIVATE_PAGES = [
    "/",
    "/profile/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/sessions/",
    "/accounts/2fa/",
    "/manage/sectors/",
    "/admin/",
]
PUBLIC_PAGES = ["/healthz", SET_UP, "/accounts/login/", "/accounts/password/reset/"]


@pytest.fixture
def no_mfa_yet(db):
    user = UserFactory(email="new.person@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_a_signed_in_person_without_mfa_is_sent_to_set_up(client, no_mfa_yet, path):
    client.force_login(no_mfa_yet)

    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"] == SET_UP


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_set_up_health_and_public_pages_stay_reachable_without_mfa(client, no_mfa_yet, path):
    client.force_login(no_mfa_yet)

    response = client.get(path)

    assert response.headers.get("Location") != SET_UP
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_a_half_signed_in_session_reaches_nothing(client, isl, path):
    response = client.post("/accounts/login/", {"login": isl.email, "password": PASSWORD})
    assert response.headers["Location"] == "/accounts/2fa/authenticate/"

    page = client.get(path)

    assert "_auth_user_id" not in client.session
    if path == "/":
        assert b"Dashboard" not in page.content
        assert b"Protective security briefings for Industry Sector Leads" in page.content
    else:
        assert page.status_code == 302
        assert page.headers["Location"].startswith(("/accounts/login/", "/admin/login/"))


def sign_in_with(client, user, code: str):
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    return client.post("/accounts/2fa/authenticate/", {"code": code})


def test_a_totp_code_cannot_be_used_twice(client, isl):
    code = totp_code(isl.totp_secret)
    first = sign_in_with(client, isl, code)
    assert first.headers["Location"] == "/"
    client.post("/accounts/logout/")

    second = sign_in_with(client, isl, code)

    assert second.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"Incorrect code" in second.content


def test_a_recovery_code_works_once(client, isl):
    code = RecoveryCodes.activate(isl).get_unused_codes()[0]
    assert sign_in_with(client, isl, code).headers["Location"] == "/"
    client.post("/accounts/logout/")

    again = sign_in_with(client, isl, code)

    assert again.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_refused_and_audited(client, isl):
    wrong = "000000" if totp_code(isl.totp_secret) != "000000" else "111111"

    response = sign_in_with(client, isl, wrong)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.code_failed", actor=isl).count() == 1


# Committed for real: allauth's notifications run after commit, inside the request.
@pytest.mark.django_db(transaction=True)
def test_setting_up_totp_asks_for_the_password_again_and_writes_one_audit_row(
    client, no_mfa_yet, mailoutbox
):
    client.post("/accounts/login/", {"login": no_mfa_yet.email, "password": PASSWORD})
    asked = client.get(SET_UP)
    assert asked.headers["Location"].startswith("/accounts/reauthenticate/")
    client.post(asked.headers["Location"], {"password": PASSWORD})
    page = client.get(SET_UP).content.decode()
    secret = page.split('id="authenticator_secret" value="')[1].split('"')[0]

    response = client.post(SET_UP, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert client.get("/").status_code == 200
    added = AuditEvent.objects.get(action="mfa.added", changes__type="totp")
    assert added.actor == no_mfa_yet
    # The person is told by email that a second factor was added to their account.
    assert [message.to for message in mailoutbox] == [[no_mfa_yet.email]]


@pytest.mark.parametrize(
    "path", ["/accounts/sessions/", "/accounts/2fa/", "/accounts/password/change/", "/profile/"]
)
def test_the_account_pages_of_a_signed_in_person_render(client, isl, path):
    client.force_login(isl)

    response = client.get(path)

    assert response.status_code == 200
    assert b"govuk-template__body" in response.content
