"""Every form, sent empty, says what is missing in words that name the field: never Django's
"This field is required.", never the same error twice on one page, and "Error: " at the start
of the page title (issue 14, item 10)."""

import inspect
import re
from dataclasses import dataclass

import pytest
from allauth.account.forms import EmailAwarePasswordResetTokenGenerator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from django import forms
from django.test import Client

from accounts import forms as account_forms
from accounts import manage_forms
from accounts.invitations import create_invitation
from accounts.models import Invitation, Membership
from bulletins import forms as bulletin_forms
from bulletins.models import Bulletin, Marking
from tests.factories import MembershipFactory
from tests.helpers import PASSWORD, link_in, make_bulletin, make_person, totp_code
from threat_levels import forms as threat_level_forms

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

MODULES = [account_forms, manage_forms, bulletin_forms, threat_level_forms]
# Forms whose words are not the portal's to choose, or that are never shown on their own.
NOT_WALKED = {
    "AdminUserAddForm": "Django's admin site, for superusers, keeps Django's words",
    "AdminUserEditForm": "Django's admin site, for superusers, keeps Django's words",
    "ContentFields": "only the fields BulletinForm and AmendForm share",
    "AudienceFields": "only the fields BulletinForm and the bridge-call forms share",
    "PasskeyReauthenticateForm": "shown only to a person with a real passkey",
}

SUMMARY = re.compile(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', re.S)
INLINE = re.compile(r'<span class="govuk-visually-hidden">Error:</span> (.*?)</p>', re.S)
ITEM = re.compile(r"<li>(?:<a [^>]*>)?(.*?)(?:</a>)?</li>", re.S)


@dataclass
class World:
    clients: dict[str, Client]
    paths: dict[str, str]


@dataclass(frozen=True)
class Walk:
    form: str
    who: str
    path: str
    data: dict | None = None
    # Pages that send the person back to another with a message, rather than show the form.
    follow: bool = False


WALKS = [
    Walk("SignInForm", "anonymous", "/accounts/login/"),
    Walk("ResetPasswordForm", "anonymous", "/accounts/password/reset/"),
    Walk("ResetPasswordKeyForm", "anonymous", "{reset_key}"),
    Walk("ChangePasswordForm", "isl", "/accounts/password/change/"),
    Walk("SetPasswordForm", "no_password", "/accounts/password/set/"),
    Walk("ChangeEmailForm", "reauthenticated", "/accounts/email/", {"action_add": ""}),
    Walk("ReauthenticateForm", "isl", "/accounts/reauthenticate/"),
    Walk("SecondFactorForm", "half", "/accounts/2fa/authenticate/", {"code": ""}),
    Walk("SecondFactorReauthenticateForm", "isl", "/accounts/2fa/reauthenticate/"),
    Walk("ActivateTOTPForm", "newcomer", "/accounts/2fa/totp/activate/"),
    Walk("AddPasskeyForm", "reauthenticated", "/accounts/2fa/webauthn/add/"),
    # Another person's passkey: allauth's page for adding one reads every key its owner has.
    Walk("EditPasskeyForm", "ncpp_reauthenticated", "{passkey_edit}", {"name": ""}),
    Walk("AcceptInvitationForm", "anonymous", "{invitation}"),
    Walk("ProfileForm", "isl", "/profile/"),
    Walk("SectorForm", "admin", "/manage/sectors/new/"),
    Walk("SectorForm", "admin", "/manage/sectors/retail/rename/"),
    Walk("AddMemberForm", "admin", "/manage/sectors/retail/add/"),
    Walk("RoleForm", "admin", "{membership_role}", follow=True),
    Walk("ImportForm", "admin", "/manage/import/"),
    Walk("InvitationForm", "admin", "/manage/invitations/new/"),
    Walk("BulletinForm", "ncpp", "/bulletins/new/"),
    Walk("PasteForm", "ncpp", "/bulletins/paste/"),
    Walk("BulletinForm", "ncpp", "/bulletins/{draft}/edit/"),
    Walk("PublishForm", "ncpp", "/bulletins/{draft}/publish/"),
    Walk("AmendForm", "ncpp", "/bulletins/{published}/amend/"),
    Walk("WithdrawForm", "ncpp", "/bulletins/{published}/withdraw/"),
    Walk("CascadeForm", "isl", "/bulletins/{published}/cascade/"),
    Walk("ThreatLevelChangeForm", "ncpp", "/threat-level/record/"),
    Walk("ConfirmThreatLevelChangeForm", "ncpp_confirming", "/threat-level/record/confirm/"),
]


def required_forms() -> set[str]:
    """Every form class of the portal with a field that must be filled in."""
    found = set()
    for module in MODULES:
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, forms.BaseForm):
                continue
            if any(field.required for field in cls.base_fields.values()):
                found.add(name)
    return found


def browser() -> Client:
    return Client(headers={"X-Forwarded-Proto": "https"})


def signed_in(user) -> Client:
    client = browser()
    client.force_login(user)
    return client


@pytest.fixture
def world(
    isl, ncpp_officer, portal_admin, retail, severe, mailoutbox,
    django_capture_on_commit_callbacks,
) -> World:  # fmt: skip
    draft = make_bulletin(ncpp_officer, status=Bulletin.Status.DRAFT, sectors=[retail])
    published = make_bulletin(
        ncpp_officer, title="For retail", marking=Marking.GREEN, sectors=[retail]
    )
    clients = {
        "anonymous": browser(),
        "isl": signed_in(isl),
        "ncpp": signed_in(ncpp_officer),
        "admin": signed_in(portal_admin),
    }

    no_password = make_person("no.password@example.org", "No password")
    no_password.set_unusable_password()
    no_password.save()
    clients["no_password"] = signed_in(no_password)
    code = totp_code(no_password.totp_secret)
    clients["no_password"].post("/accounts/2fa/reauthenticate/", {"code": code})

    clients["reauthenticated"] = signed_in(isl)
    clients["reauthenticated"].post("/accounts/reauthenticate/", {"password": PASSWORD})

    clients["ncpp_reauthenticated"] = signed_in(ncpp_officer)
    clients["ncpp_reauthenticated"].post("/accounts/reauthenticate/", {"password": PASSWORD})

    clients["half"] = browser()
    clients["half"].post("/accounts/login/", {"login": isl.email, "password": PASSWORD})

    newcomer = make_person("newcomer@example.org", "Newcomer", second_factor=False)
    clients["newcomer"] = signed_in(newcomer)
    clients["newcomer"].post("/accounts/reauthenticate/", {"password": PASSWORD})

    clients["ncpp_confirming"] = signed_in(ncpp_officer)
    clients["ncpp_confirming"].post(
        "/threat-level/record/",
        {"scope": str(severe.scope.pk), "level": "SUBSTANTIAL", "note": "Lowered."},
    )

    token = EmailAwarePasswordResetTokenGenerator().make_token(isl)
    key_link = clients["anonymous"].get(
        f"/accounts/password/reset/key/{user_pk_to_url_str(isl)}-{token}/"
    )
    with django_capture_on_commit_callbacks(execute=True):
        create_invitation(
            email="invitee@example.org", kind=Invitation.Kind.NCPP_STAFF, invited_by=portal_admin
        )
    passkey = Authenticator.objects.create(
        user=ncpp_officer, type=Authenticator.Type.WEBAUTHN, data={"name": "Work key"}
    )
    membership = MembershipFactory(sector=retail, role=Membership.Role.MEMBER)
    paths = {
        "reset_key": key_link.headers["Location"],
        "invitation": link_in(mailoutbox[-1], "https://portal.test").removeprefix(
            "https://portal.test"
        ),
        "passkey_edit": f"/accounts/2fa/webauthn/keys/{passkey.pk}/edit/",
        "membership_role": f"/manage/memberships/{membership.pk}/role/",
        "draft": str(draft.pk),
        "published": str(published.pk),
    }
    return World(clients, paths)


def errors_on(page: str) -> tuple[list[str], list[str]]:
    """The error summary's messages and the messages beside the fields."""
    summary = SUMMARY.search(page)
    listed = [item.strip() for item in ITEM.findall(summary.group(1))] if summary else []
    return listed, [message.strip() for message in INLINE.findall(page)]


def test_every_form_with_a_required_field_is_walked() -> None:
    walked = {walk.form for walk in WALKS}

    assert required_forms() - set(NOT_WALKED) <= walked, required_forms() - walked
    assert not set(NOT_WALKED) & walked


def post_empty(world: World, walk: Walk):
    path = walk.path.format(**world.paths)
    # A browser always sends the form's CSRF token (which the test client does not check),
    # so the form is bound even with every field empty.
    data = {"csrfmiddlewaretoken": "sent-by-every-browser", **(walk.data or {})}
    return world.clients[walk.who].post(path, data, follow=walk.follow)


def problems_after_posting_empty(world: World, walk: Walk) -> list[str]:
    response = post_empty(world, walk)
    page = response.content.decode()
    if response.status_code not in (200, 400):
        return [f"answered {response.status_code}"]
    problems = []
    if "This field is required" in page:
        problems.append("shows “This field is required.”")
    summary, inline = errors_on(page)
    if walk.follow:
        # Sent back to the roster, which says what was wrong in a banner.
        if "Choose lead, deputy or member." not in page:
            problems.append("does not say what was wrong")
        return problems
    if not summary:
        problems.append("has no error summary")
    if len(summary) != len(set(summary)) or len(inline) != len(set(inline)):
        problems.append(f"repeats an error: {summary} {inline}")
    if not re.search(r"<title>Error: ", page):
        problems.append("has no “Error: ” in its title")
    return problems


def test_an_empty_form_names_each_missing_field_once(world) -> None:
    found = {}
    for walk in WALKS:
        if problems := problems_after_posting_empty(world, walk):
            found[f"{walk.form} at {walk.path}"] = problems

    assert not found, "\n".join(f"{where}: {', '.join(what)}" for where, what in found.items())


def test_the_sign_in_page_names_both_fields(client) -> None:
    page = client.post("/accounts/login/", {"csrfmiddlewaretoken": "x"}).content.decode()

    summary, _ = errors_on(page)

    assert summary == ["Enter your email address", "Enter your password"]


def test_an_address_in_the_wrong_format_says_what_the_right_one_looks_like(client) -> None:
    page = client.post("/accounts/password/reset/", {"email": "not an address"})

    summary, _ = errors_on(page.content.decode())

    assert summary == ["Enter an email address in the correct format, like name@example.org"]
