"""A leaver holds nothing, and an invitation grants exactly what it says (issue 12, item 1).

The scenario of the issue: an NCPP officer with an authenticator app, recovery codes, the
`NCPP staff` group and the lead role of two sectors leaves, and is later invited back as a plain
Retail member. Deactivating them strips every right at once; accepting the invitation resets
the account to what the invitation grants (which also covers leavers deactivated before that,
or through the Django admin); and the emailed link alone never completes a sign-in.
"""

from collections import defaultdict
from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts import views
from accounts.invitations import create_invitation
from accounts.middleware import MFA_EXEMPT_URL_NAMES
from accounts.models import NCPP_STAFF_GROUP, AuditEvent, Invitation, Membership, User
from bulletins.models import Marking
from tests.helpers import PASSWORD, link_in, make_bulletin, totp_code, totp_secret_on
from tests.test_route_policy import build_path, outcome, routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

SET_UP = "/accounts/2fa/totp/activate/"
NEW_PASSWORD = "a brand new pass phrase"


def browser() -> Client:
    return Client(headers={"X-Forwarded-Proto": "https"})


@pytest.fixture
def admin_client(portal_admin) -> Client:
    client = browser()
    client.force_login(portal_admin)
    return client


@pytest.fixture
def officer(ncpp_officer, retail, transport):
    """The leaver of the issue: TOTP, recovery codes, NCPP staff, lead of two sectors, and
    Django admin's staff flag for good measure."""
    RecoveryCodes.activate(ncpp_officer)
    Membership.objects.create(user=ncpp_officer, sector=retail, role=Membership.Role.LEAD)
    Membership.objects.create(user=ncpp_officer, sector=transport, role=Membership.Role.LEAD)
    ncpp_officer.is_staff = True
    ncpp_officer.save(update_fields=["is_staff"])
    return ncpp_officer


@pytest.fixture
def officers_browser(officer) -> Client:
    """The officer's own browser, signed in for real with password and code."""
    client = browser()
    client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(officer.totp_secret)})
    assert response.headers["Location"] == "/"
    assert client.get("/bulletins/new/").status_code == 200
    return client


@pytest.fixture
def retail_bulletin(ncpp_officer, retail, severe):
    return make_bulletin(
        ncpp_officer,
        title="For retail only",
        summary="Retail advice.",
        marking=Marking.AMBER,
        sectors=[retail],
    )


def deactivate(admin_client: Client, person: User) -> None:
    response = admin_client.post(f"/manage/people/{person.pk}/deactivate/")
    assert response.status_code == 302


def invite_as_retail_member(admin_client, person, retail, mailoutbox, capture) -> str:
    """Invite through Manage → Invitations; return the path of the emailed link."""
    mailoutbox.clear()
    with capture(execute=True):
        response = admin_client.post(
            "/manage/invitations/new/",
            {
                "email": person.email,
                "name": "Back again",
                "kind": Invitation.Kind.ISL,
                "sectors": [retail.pk],
                "role": Membership.Role.MEMBER,
            },
        )
    assert response.status_code == 302, response.content.decode()
    return emailed_link(mailoutbox, person)


def invite_by_import(admin_client, person, retail, mailoutbox, capture) -> str:
    """Invite through Manage → Import, one CSV row; return the path of the emailed link."""
    content = (
        "email,name,organisation,sector,role\n"
        f"{person.email.upper()},Back again,Shops,Retail,member\n"
    ).encode()
    preview = admin_client.post(
        "/manage/import/", {"file": SimpleUploadedFile("people.csv", content, "text/csv")}
    )
    assert "New invitation" in preview.content.decode()
    mailoutbox.clear()
    with capture(execute=True):
        response = admin_client.post(
            "/manage/import/apply/", {"import_id": admin_client.session["manage_import"]["id"]}
        )
    assert response.status_code == 302
    return emailed_link(mailoutbox, person)


def emailed_link(mailoutbox, person) -> str:
    (message,) = mailoutbox
    assert message.to == [person.email]
    return link_in(message, "https://portal.test").removeprefix("https://portal.test")


def accept(client: Client, path: str):
    return client.post(
        path, {"name": "Back again", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )


def rights(person: User) -> dict:
    person.refresh_from_db()
    return {
        "groups": set(person.groups.values_list("name", flat=True)),
        "memberships": set(person.memberships.values_list("sector__slug", "role")),
        "authenticators": set(
            Authenticator.objects.filter(user=person).values_list("type", flat=True)
        ),
        "is_staff": person.is_staff,
        "is_superuser": person.is_superuser,
    }


NOTHING = {
    "groups": set(),
    "memberships": set(),
    "authenticators": set(),
    "is_staff": False,
    "is_superuser": False,
}
RETAIL_MEMBER_ONLY = {**NOTHING, "memberships": {("retail", Membership.Role.MEMBER)}}


def assert_confined_to_mfa_set_up(client: Client, bulletin_pk: int) -> None:
    """The person reaches no page but setting up a second factor."""
    for path in (
        "/",
        "/bulletins/",
        f"/bulletins/{bulletin_pk}/",
        "/bulletins/new/",
        "/threat-level/record/",
        "/alerts/",
        "/manage/",
        "/manage/people/",
        "/admin/",
        "/admin/accounts/user/",
    ):
        response = client.get(path)
        assert (response.status_code, response.headers.get("Location")) == (302, SET_UP), path


# --- Deactivation strips every right at once ------------------------------


def test_the_confirmation_page_says_that_deactivating_removes_every_role_and_second_factor(
    admin_client, officer
):
    page = admin_client.get(f"/manage/people/{officer.pk}/deactivate/").content.decode()

    assert "removes every role" in page
    assert "NCPP staff" in page and "lead of Retail" in page and "lead of Transport" in page
    assert "second factor" in page
    assert "invite them again" in page


def test_deactivating_a_leaver_removes_every_role_second_factor_and_session(
    admin_client, officer, officers_browser, portal_admin
):
    # A passkey too (its content does not matter to deactivation).
    Authenticator.objects.create(
        user=officer, type=Authenticator.Type.WEBAUTHN, data={"name": "Work key"}
    )

    deactivate(admin_client, officer)

    assert rights(officer) == NOTHING
    assert not officer.is_active
    assert not officer.has_usable_password()
    assert not UserSession.objects.filter(user=officer).exists()
    assert officers_browser.get("/bulletins/new/").status_code == 302
    event = AuditEvent.objects.get(action="person.deactivated")
    assert (event.actor, event.object_id) == (portal_admin, str(officer.pk))
    assert event.changes["groups_removed"] == [NCPP_STAFF_GROUP]
    assert event.changes["memberships_removed"] == [
        {"sector": "retail", "role": "lead"},
        {"sector": "transport", "role": "lead"},
    ]
    assert event.changes["authenticators_removed"] == ["recovery_codes", "totp", "webauthn"]
    assert event.changes["is_staff"] == [True, False]
    assert event.changes["sessions_ended"] == 1


def test_a_leaver_cannot_sign_in_with_the_old_password_and_code(admin_client, officer):
    deactivate(admin_client, officer)
    # Even were the account switched back on in the Django admin, nothing old would work.
    User.objects.filter(pk=officer.pk).update(is_active=True)

    client = browser()
    response = client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/2fa/authenticate/").status_code == 302


def test_a_leaver_comes_back_only_by_invitation(admin_client, officer):
    deactivate(admin_client, officer)

    # There is no "reactivate" act: it would reopen an account with no rights and no password.
    response = admin_client.post(f"/manage/people/{officer.pk}/reactivate/")

    assert response.status_code == 404
    officer.refresh_from_db()
    assert not officer.is_active
    page = admin_client.get(f"/manage/people/{officer.pk}/").content.decode()
    assert "Reactivate" not in page
    assert "/manage/invitations/new/" in page


# --- Re-inviting a leaver grants exactly what the invitation says ----------


@pytest.mark.parametrize("invite", [invite_as_retail_member, invite_by_import])
def test_a_leaver_re_invited_as_a_retail_member_holds_that_and_nothing_more(
    invite,
    admin_client,
    officer,
    officers_browser,
    retail,
    retail_bulletin,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    deactivate(admin_client, officer)
    link = invite(admin_client, officer, retail, mailoutbox, django_capture_on_commit_callbacks)

    theirs = browser()
    response = accept(theirs, link)

    assert rights(officer) == RETAIL_MEMBER_ONLY
    assert officer.is_active and officer.check_password(NEW_PASSWORD)
    # The link alone is no sign-in: it leads to setting up a second factor, and only there.
    assert response.headers["Location"] == SET_UP
    assert_confined_to_mfa_set_up(theirs, retail_bulletin.pk)
    # The browser signed in before deactivation stays signed out.
    assert (
        officers_browser.get("/bulletins/new/").headers["Location"].startswith("/accounts/login/")
    )
    accepted = AuditEvent.objects.get(action="invitation.accepted")
    assert accepted.changes["sectors"] == {"retail": "member"}


def test_once_set_up_the_returning_leaver_reads_as_a_retail_member_and_writes_nothing(
    admin_client, officer, retail, retail_bulletin, mailoutbox, django_capture_on_commit_callbacks
):
    deactivate(admin_client, officer)
    link = invite_as_retail_member(
        admin_client, officer, retail, mailoutbox, django_capture_on_commit_callbacks
    )
    theirs = browser()
    accept(theirs, link)

    page = theirs.get(SET_UP).content.decode()
    secret = totp_secret_on(page)
    assert theirs.post(SET_UP, {"code": totp_code(secret)}).status_code == 302

    assert theirs.get(f"/bulletins/{retail_bulletin.pk}/").status_code == 200
    assert theirs.get("/bulletins/new/").status_code == 403
    assert theirs.get("/threat-level/record/").status_code == 403
    assert theirs.get("/manage/").status_code == 403
    assert theirs.get("/admin/").status_code == 302
    # Only the second factor just set up (and the recovery codes that come with it).
    accepted_at = Invitation.objects.get(email=officer.email).accepted_at
    assert not Authenticator.objects.filter(user=officer, created_at__lt=accepted_at).exists()
    assert Authenticator.objects.filter(user=officer, type="totp").exists()


def test_a_leaver_deactivated_before_this_fix_is_still_reset_by_the_invitation(
    admin_client, officer, retail, retail_bulletin, mailoutbox, django_capture_on_commit_callbacks
):
    # Old data: deactivated by the earlier code (or in the Django admin), which left the
    # groups, memberships, authenticators, staff flag, password and a session in place.
    old_browser = browser()
    old_browser.force_login(officer)
    assert old_browser.get("/bulletins/new/").status_code == 200
    User.objects.filter(pk=officer.pk).update(is_active=False, is_superuser=True)
    assert rights(officer)["groups"] == {NCPP_STAFF_GROUP}

    link = invite_as_retail_member(
        admin_client, officer, retail, mailoutbox, django_capture_on_commit_callbacks
    )
    theirs = browser()
    response = accept(theirs, link)

    assert rights(officer) == RETAIL_MEMBER_ONLY
    assert response.headers["Location"] == SET_UP
    assert_confined_to_mfa_set_up(theirs, retail_bulletin.pk)
    assert (
        not UserSession.objects.filter(user=officer)
        .exclude(session_key=theirs.session.session_key)
        .exists()
    )
    assert old_browser.get("/bulletins/new/").headers["Location"].startswith("/accounts/login/")
    reset = AuditEvent.objects.get(action="invitation.accepted").changes["reset"]
    assert reset["groups_removed"] == [NCPP_STAFF_GROUP]
    assert reset["authenticators_removed"] == ["recovery_codes", "totp"]


def test_a_leaver_deactivated_before_this_fix_and_re_invited_as_ncpp_staff_gets_only_that(
    admin_client, officer, portal_admin, django_capture_on_commit_callbacks, mailoutbox
):
    User.objects.filter(pk=officer.pk).update(is_active=False)
    officer.groups.add(Group.objects.get_or_create(name="Portal admins")[0])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/manage/invitations/new/",
            {"email": officer.email, "kind": Invitation.Kind.NCPP_STAFF, "role": "member"},
        )

    accept(browser(), emailed_link(mailoutbox, officer))

    assert rights(officer) == {**NOTHING, "groups": {NCPP_STAFF_GROUP}}


def test_an_invitation_cannot_be_accepted_for_an_account_that_is_active_again(
    admin_client, officer, retail, mailoutbox, django_capture_on_commit_callbacks
):
    deactivate(admin_client, officer)
    link = invite_as_retail_member(
        admin_client, officer, retail, mailoutbox, django_capture_on_commit_callbacks
    )
    # Switched back on behind the portal's back (the Django admin): the link must not
    # overwrite the password of a working account.
    User.objects.filter(pk=officer.pk).update(is_active=True)

    response = accept(browser(), link)

    assert response.status_code == 410
    officer.refresh_from_db()
    assert not officer.check_password(NEW_PASSWORD)
    assert Invitation.objects.get(email=officer.email).accepted_at is None


def test_accepting_never_signs_in_an_account_that_already_has_a_second_factor(
    client, officer, portal_admin, django_capture_on_commit_callbacks, mailoutbox
):
    """Defence in depth: were an authenticator ever left on the account, the link would not
    sign anyone in past it; the person signs in normally, with their code."""
    User.objects.filter(pk=officer.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        create_invitation(
            email=officer.email, kind=Invitation.Kind.NCPP_STAFF, invited_by=portal_admin
        )
    link = emailed_link(mailoutbox, officer)

    def accept_keeping_the_authenticator(token, **kwargs):
        user = real_accept(token, **kwargs)
        if not Authenticator.objects.filter(user=user, type="totp").exists():
            TOTP.activate(user, generate_totp_secret())
        return user

    real_accept = views.accept_invitation
    with mock.patch.object(views, "accept_invitation", accept_keeping_the_authenticator):
        response = accept(client, link)

    assert response.headers["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/bulletins/new/").headers["Location"].startswith("/accounts/login/")


def test_after_accepting_every_route_but_set_up_and_public_pages_waits_for_a_second_factor(
    admin_client, officer, retail, mailoutbox, django_capture_on_commit_callbacks
):
    deactivate(admin_client, officer)
    link = invite_as_retail_member(
        admin_client, officer, retail, mailoutbox, django_capture_on_commit_callbacks
    )
    theirs = Client(headers={"X-Forwarded-Proto": "https"}, raise_request_exception=False)
    accept(theirs, link)
    # The middleware answers before any view looks its arguments up: any value will do.
    samples = {"slug": "retail", "uidb36": "zz", "url": "nowhere/", "app_label": "accounts"}
    values = defaultdict(lambda: "1", samples)

    reached = []
    for name, route in routes():
        if name.rsplit(":", 1)[-1] in MFA_EXEMPT_URL_NAMES:
            continue
        path = build_path(route, values)
        got = outcome(theirs.get(path))
        if got != "mfa":
            reached.append(f"{name} {path}: {got}")

    assert not reached, "Reached without a second factor:\n" + "\n".join(reached)
    assert Session.objects.filter(session_key=theirs.session.session_key).exists()
