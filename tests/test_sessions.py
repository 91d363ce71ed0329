import time

import pytest
from django.test import Client

from accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from tests.helpers import PASSWORD, totp_code

pytestmark = pytest.mark.django_db


def age_session(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"started": SESSION_STARTED, "last_seen": SESSION_LAST_SEEN}[key]] = now - ago
    session.save()


def test_a_session_ends_after_30_minutes_without_use(client, isl):
    client.force_login(isl)
    assert client.get("/profile/").status_code == 200

    age_session(client, last_seen=31 * 60)
    response = client.get("/profile/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_session_used_within_30_minutes_goes_on(client, isl):
    client.force_login(isl)
    age_session(client, last_seen=29 * 60)

    assert client.get("/profile/").status_code == 200


def test_a_session_ends_12_hours_after_sign_in_however_busy(client, isl):
    client.force_login(isl)
    age_session(client, started=12 * 3600 + 1, last_seen=10)

    response = client.get("/profile/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_signing_in_gives_a_new_session_id(client, isl):
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key

    client.post("/accounts/login/", {"login": isl.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(isl.totp_secret)})

    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(isl.pk)


def test_signing_out_ends_the_session(client, isl):
    client.force_login(isl)
    key = client.session.session_key

    client.post("/accounts/logout/")

    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/profile/").status_code == 302


def test_a_password_change_signs_out_other_sessions_and_emails_the_person(isl, mailoutbox):
    here = Client(headers={"X-Forwarded-Proto": "https"})
    elsewhere = Client(headers={"X-Forwarded-Proto": "https"})
    here.force_login(isl)
    elsewhere.force_login(isl)
    new_password = "a different long pass phrase"

    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )

    assert response.status_code == 302
    assert here.get("/profile/").status_code == 200
    assert elsewhere.get("/profile/").status_code == 302
    assert any("password" in message.subject.lower() for message in mailoutbox)


@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/2fa/totp/deactivate/"])
def test_changing_email_or_mfa_asks_for_the_password_again(client, isl, path):
    # force_login leaves no record of a recent password: as for a session hours old.
    client.force_login(isl)

    response = client.post(path, {"email": "new.address@example.org", "action_add": ""})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/reauthenticate/")
    assert isl.authenticator_set.count() == 1
    assert not isl.emailaddress_set.filter(email="new.address@example.org").exists()


def test_a_person_updates_their_own_details(client, isl):
    client.force_login(isl)

    response = client.post(
        "/profile/",
        {
            "name": "Retail lead",
            "organisation": "Shops UK",
            "phone": "020 7946 0000",
            "routine_alerts": "digest",
        },
    )

    assert response.status_code == 302
    isl.refresh_from_db()
    assert (isl.organisation, isl.phone, isl.routine_alerts) == (
        "Shops UK", "020 7946 0000", "digest",
    )  # fmt: skip
