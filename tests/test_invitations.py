from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.invitations import SectorRole, create_invitation, revoke_invitation
from accounts.models import AuditEvent, Invitation, Membership
from tests.helpers import link_in

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
