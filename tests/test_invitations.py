import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.adapters import INVITATION_ACCEPTED
from accounts.invitations import SectorRole, create_invitation, revoke_invitation
from accounts.models import AuditEvent, Invitation, Membership
from tests.helpers import link_in, totp_code, totp_secret_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

User = get_user_model()
GOOD_PASSWORD = "a long enough pass phrase"


@pytest.fixture
def invite(portal_admin, retail, mailoutbox, django_capture_on_commit_callbacks):
    """Invite a new retail deputy; return the path of the link in the email."""
    with django_capture_on_commit_callbacks(execute=True):
        create_invitation(
            email="New.Deputy@Example.org",
            name="New deputy",
            kind=Invitation.Kind.ISL,
            invited_by=portal_admin,
            sectors=[SectorRole(retail, Membership.Role.DEPUTY)],
        )
    (message,) = mailoutbox
    assert message.to == ["new.deputy@example.org"]
    return link_in(message, "https://portal.test").removeprefix("https://portal.test")


def accept(client, path, password=GOOD_PASSWORD):
    return client.post(path, {"name": "New deputy", "password1": password, "password2": password})


def test_the_invitation_email_holds_a_link_to_accept(invite, mailoutbox):
    assert invite.startswith("/invite/")
    assert "expires on" in mailoutbox[0].body
    assert mailoutbox[0].extra_headers["Auto-Submitted"] == "auto-generated"


def test_accepting_sets_a_password_gives_the_sector_role_and_sends_to_mfa_set_up(client, invite):
    response = accept(client, invite)

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/2fa/totp/activate/"
    user = User.objects.get(email="new.deputy@example.org")
    assert user.check_password(GOOD_PASSWORD)
    assert user.memberships.get().role == Membership.Role.DEPUTY
    assert user.emailaddress_set.get().verified
    # Signed in, but nothing else until a second factor is set up; no second password prompt.
    assert client.get("/").headers["Location"] == "/accounts/2fa/totp/activate/"
    set_up = client.get("/accounts/2fa/totp/activate/")
    assert set_up.status_code == 200
    assert b'id="authenticator_secret"' in set_up.content


def test_an_invitation_works_once_then_never_again(client, invite):
    accept(client, invite)
    client.logout()

    again = client.get(invite)
    second_accept = accept(client, invite, password="another long pass phrase")

    assert again.status_code == 410
    assert b"already been used" in again.content
    assert second_accept.status_code == 410
    assert User.objects.get(email="new.deputy@example.org").check_password(GOOD_PASSWORD)


def test_an_expired_invitation_fails_with_a_clear_message(client, invite):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = accept(client, invite)

    assert response.status_code == 410
    assert b"This invitation has expired" in response.content
    assert not User.objects.filter(email="new.deputy@example.org").exists()


def test_a_revoked_invitation_fails_with_a_clear_message(client, invite, portal_admin):
    revoke_invitation(Invitation.objects.get(), actor=portal_admin)

    response = client.get(invite)

    assert response.status_code == 410
    assert b"This invitation was withdrawn" in response.content


def test_a_made_up_link_fails_with_a_clear_message(client, db):
    response = client.get("/invite/not-a-real-token/")

    assert response.status_code == 410
    assert b"This invitation link is not valid" in response.content


def test_a_password_under_12_characters_is_refused(client, invite):
    response = accept(client, invite, password="short pass1")

    assert response.status_code == 200
    assert b"This password is too short" in response.content
    assert Invitation.objects.get().accepted_at is None


def test_an_address_with_an_account_cannot_be_invited_again(portal_admin, isl):
    with pytest.raises(ValidationError, match="already has an account"):
        create_invitation(
            email="ISL.retail@example.org", kind=Invitation.Kind.NCPP_STAFF, invited_by=portal_admin
        )


def test_sending_accepting_and_revoking_each_write_one_audit_row(
    client, portal_admin, retail, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = create_invitation(
            email="a@example.org", kind=Invitation.Kind.NCPP_STAFF, invited_by=portal_admin
        )
    sent = AuditEvent.objects.get(action="invitation.sent")
    assert (sent.actor, sent.object_id) == (portal_admin, str(invitation.pk))

    accept(
        client, link_in(mailoutbox[0], "https://portal.test").removeprefix("https://portal.test")
    )
    accepted = AuditEvent.objects.get(action="invitation.accepted")
    assert accepted.actor.email == "a@example.org"
    assert accepted.object_id == str(invitation.pk)
    assert User.objects.get(email="a@example.org").groups.get().name == "NCPP staff"

    other = create_invitation(email="b@example.org", kind="portal_admin", invited_by=portal_admin)
    revoke_invitation(other, actor=portal_admin)
    revoked = AuditEvent.objects.get(action="invitation.revoked")
    assert (revoked.actor, revoked.object_id) == (portal_admin, str(other.pk))


# --- The first second factor, straight after accepting (issue 14, item 12) -----------------


def set_up_page(client):
    return client.get("/accounts/2fa/totp/activate/")


def accepted_minutes_ago(client, minutes: int) -> None:
    session = client.session
    session[INVITATION_ACCEPTED]["at"] -= minutes * 60
    session.save()


def test_setting_up_after_accepting_shows_the_key_as_text_and_asks_for_no_password(client, invite):
    accept(client, invite)

    response = set_up_page(client)

    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        r'<p class="[^"]*portal-codes[^"]*" id="authenticator_secret">[A-Z2-7]+</p>', page
    )
    assert '<input type="text" id="authenticator_secret"' not in page
    assert 'src="data:image/svg+xml;base64,' in page
    assert "sign-in code" not in page
    assert "Password" not in page


def test_installing_the_app_may_take_a_while_without_the_password_being_asked_again(client, invite):
    accept(client, invite)
    secret = totp_secret_on(set_up_page(client).content.decode())
    accepted_minutes_ago(client, 20)

    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/2fa/recovery-codes/"
    user = User.objects.get(email="new.deputy@example.org")
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    codes = client.get("/accounts/2fa/recovery-codes/")
    assert codes.status_code == 200
    assert 'id="recovery_codes"' in codes.content.decode()


def test_after_half_an_hour_the_set_up_asks_for_the_password_after_all(client, invite):
    accept(client, invite)
    accepted_minutes_ago(client, 31)

    response = set_up_page(client)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/reauthenticate/")


def test_only_the_session_that_accepted_skips_the_password(client, invite):
    accept(client, invite)
    elsewhere = Client(headers={"X-Forwarded-Proto": "https"})
    elsewhere.post(
        "/accounts/login/", {"login": "new.deputy@example.org", "password": GOOD_PASSWORD}
    )

    response = set_up_page(elsewhere)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/reauthenticate/")


def test_once_set_up_changing_the_second_factor_asks_for_the_password_again(client, invite):
    accept(client, invite)
    secret = totp_secret_on(set_up_page(client).content.decode())
    client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert client.get("/accounts/2fa/recovery-codes/").status_code == 200

    for path in ("/accounts/2fa/recovery-codes/generate/", "/accounts/2fa/totp/deactivate/"):
        response = client.get(path)

        assert response.status_code == 302
        assert response.headers["Location"].startswith("/accounts/reauthenticate/")
