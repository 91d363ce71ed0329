"""Every route has an access decision.

The test walks Django's URL resolver and requests every route as six people. Each route must be
listed in EXPECTED (or fall under one of the GROUPS rules for code the portal does not own);
a route missing from both fails the test by name, so no new view ships without a decision.

Outcomes: an HTTP status as text, or where a redirect is the answer, where it goes:
"login" (sign-in page), "mfa" (authenticator set-up), "admin-login" (Django admin's sign-in,
which itself goes through allauth).
"""

import os
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from accounts.invitations import SectorRole, create_invitation
from accounts.models import Invitation, Membership
from alerts.models import Alert
from bulletins.attachments import PDF
from bulletins.models import Bulletin, Marking
from bulletins.services import add_attachment
from calls.services import schedule_call
from cascades.models import Contact
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import make_bulletin, make_person

PERSONAS = ("anonymous", "half", "isl", "other_isl", "ncpp", "admin")

# Shorthands for the rows below.
PUBLIC = ("200",) * 6
#                 anonymous, half,  isl,   other_isl, ncpp,  admin
SIGNED_IN = ("login", "mfa", "200", "200", "200", "200")
ADMIN_ONLY = ("login", "mfa", "403", "403", "403", "200")
ADMIN_POST_ONLY = ("login", "mfa", "403", "403", "403", "405")
STAFF_ONLY = ("login", "mfa", "403", "403", "200", "403")
STAFF_POST_ONLY = ("login", "mfa", "403", "403", "405", "403")

# GET outcome per persona, for each route the portal owns and for allauth's routes.
# The bulletin routes are requested with a published bulletin addressed to the ISL's sector
# only (drafts for the writing pages): an ISL of another sector must get 404 for anything about
# it, exactly as if it did not exist.
EXPECTED: dict[str, tuple[str, ...]] = {
    # --- public --------------------------------------------------------------------------
    "home": ("200", "mfa", "200", "200", "200", "200"),
    "healthz": PUBLIC,
    "threat_level_history": PUBLIC,
    "threat_level_api": PUBLIC,
    "threat_level_feed": PUBLIC,
    "threat_level_cap": PUBLIC,
    "accessibility_statement": PUBLIC,
    "privacy_notice": PUBLIC,
    "cookies": PUBLIC,
    "contact": PUBLIC,
    "invitation_accept": ("410",) * 6,  # an unknown token: "this link cannot be used"
    # --- threat level: NCPP staff record changes -----------------------------------------
    "threat_level_record": STAFF_ONLY,
    "threat_level_confirm": ("login", "mfa", "403", "403", "302", "403"),  # nothing pending
    # --- reading bulletins ---------------------------------------------------------------
    "bulletin_list": SIGNED_IN,
    "bulletin_search": SIGNED_IN,
    "bulletin_detail": ("login", "mfa", "200", "404", "200", "404"),
    "bulletin_attachment": ("login", "mfa", "200", "404", "200", "404"),
    "bulletin_revisions": ("login", "mfa", "200", "404", "200", "404"),
    "bulletin_acknowledge": ("login", "mfa", "405", "405", "405", "405"),
    "bulletin_cascade": ("login", "mfa", "405", "405", "405", "405"),
    # --- writing bulletins ---------------------------------------------------------------
    "bulletin_new": STAFF_ONLY,
    "bulletin_paste": STAFF_ONLY,
    "bulletin_edit": STAFF_ONLY,
    "bulletin_preview": STAFF_ONLY,
    "bulletin_publish": STAFF_ONLY,
    "bulletin_amend": STAFF_ONLY,
    "bulletin_withdraw": STAFF_ONLY,
    "bulletin_supersede": STAFF_POST_ONLY,
    "bulletin_readership": STAFF_ONLY,
    "bulletin_readership_csv": STAFF_ONLY,
    # --- alerts and deliveries (NCPP staff) ----------------------------------------------
    "alert_list": STAFF_ONLY,
    "alert_report": STAFF_ONLY,
    "alert_retry_failed": STAFF_POST_ONLY,
    # --- bridge calls: the call is for the retail sector only -------------------------------
    "call_list": SIGNED_IN,
    "call_detail": ("login", "mfa", "200", "404", "200", "404"),
    "call_answer": ("login", "mfa", "405", "405", "405", "405"),
    "call_new": STAFF_ONLY,
    "call_convene": STAFF_ONLY,
    "call_edit": STAFF_ONLY,
    "call_cancel": STAFF_ONLY,  # GET asks to confirm
    "call_attendance": STAFF_ONLY,
    "call_write_update": STAFF_POST_ONLY,
    "calendar_subscription": SIGNED_IN,
    # An unknown token: no such calendar. (A half-signed-in browser is sent to set up its
    # second factor first, by accounts' middleware; calendar apps carry no session.)
    "calendar_feed": ("404", "mfa", "404", "404", "404", "404"),
    # --- cascades: retail's contacts (the ISL leads retail); the bulletin is TLP:AMBER -------
    "cascade_sectors": ("login", "mfa", "200", "403", "403", "200"),
    "cascade_contacts": ("login", "mfa", "200", "404", "404", "200"),
    "cascade_contact_new": ("login", "mfa", "200", "404", "404", "200"),
    "cascade_contact_edit": ("login", "mfa", "200", "404", "404", "200"),
    "cascade_contact_remove": ("login", "mfa", "200", "404", "404", "200"),  # GET asks to confirm
    "cascade_contacts_csv": ("login", "mfa", "200", "404", "404", "200"),
    "cascade_contacts_import": ("login", "mfa", "200", "404", "404", "200"),
    "cascade_contacts_import_apply": ("login", "mfa", "405", "405", "405", "405"),
    # AMBER is never cascaded: the lead is told why (403); nobody else may even ask (404).
    "cascade_bulletin": ("login", "mfa", "403", "404", "404", "404"),
    "cascade_reach": STAFF_ONLY,
    "cascade_reach_csv": STAFF_ONLY,
    # A contact's signed unsubscribe link needs no sign-in; this token is not one.
    "cascade_unsubscribe": ("404", "mfa", "404", "404", "404", "404"),
    # --- the person's own account ----------------------------------------------------------
    "profile": SIGNED_IN,
    # --- portal admins' tools ------------------------------------------------------------
    "manage_index": ADMIN_ONLY,
    "manage_sectors": ADMIN_ONLY,
    "manage_sector_new": ADMIN_ONLY,  # GET shows the form
    "manage_sector": ADMIN_ONLY,
    "manage_sector_rename": ADMIN_ONLY,  # GET shows the form
    "manage_sector_add_member": ADMIN_POST_ONLY,
    "manage_membership_role": ADMIN_POST_ONLY,
    "manage_membership_remove": ADMIN_ONLY,  # GET asks to confirm
    "manage_people": ADMIN_ONLY,
    "manage_person": ADMIN_ONLY,
    "manage_person_deactivate": ADMIN_ONLY,  # GET asks to confirm
    "manage_coverage": ADMIN_ONLY,
    "manage_import": ADMIN_ONLY,
    "manage_import_apply": ADMIN_POST_ONLY,
    "manage_invitations": ADMIN_ONLY,
    "manage_invitation_new": ADMIN_ONLY,
    "manage_invitation_resend": ADMIN_POST_ONLY,
    "manage_invitation_revoke": ADMIN_ONLY,  # GET asks to confirm
    "manage_audit": ADMIN_ONLY,
    "manage_audit_export": ADMIN_POST_ONLY,
}

# allauth's pages. Their decisions are allauth's, but which of them reach a half-signed-in
# person is the portal's (accounts.middleware.MFA_EXEMPT_URL_NAMES), so each is listed.
# "302" here is allauth sending a person on (home, or a page that needs a fresh state).
ALLAUTH: dict[str, tuple[str, ...]] = {
    #                                        anonymous, half,  isl,   other, ncpp,  admin
    "account_login": ("200", "302", "302", "302", "302", "302"),
    "account_logout": ("302", "200", "200", "200", "200", "200"),
    "account_inactive": ("200", "mfa", "200", "200", "200", "200"),
    "account_signup": ("200", "mfa", "302", "302", "302", "302"),  # closed: creates nobody
    "account_reauthenticate": ("login", "200", "200", "200", "200", "200"),
    # Confirming it is you by a code sent by email is off (ACCOUNT_REAUTHENTICATION_METHODS).
    "account_request_reauthentication_code": ("login", "mfa", "403", "403", "403", "403"),
    "account_confirm_reauthentication_code": ("login", "mfa", "403", "403", "403", "403"),
    "account_email": ("login", "mfa", "200", "200", "200", "200"),
    "account_email_verification_sent": ("200", "mfa", "200", "200", "200", "200"),
    "account_change_password": ("login", "mfa", "200", "200", "200", "200"),
    "account_set_password": ("login", "mfa", "302", "302", "302", "302"),
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,  # "this link is not valid"
    "account_reset_password_from_key_done": PUBLIC,
    "account_confirm_login_code": ("login", "mfa", "302", "302", "302", "302"),
    "account_confirm_email": PUBLIC,  # "this link is not valid"
    "mfa_index": ("login", "mfa", "200", "200", "200", "200"),
    "mfa_authenticate": ("login", "302", "302", "302", "302", "302"),
    "mfa_reauthenticate": ("login", "mfa", "200", "200", "200", "200"),
    "mfa_activate_totp": ("login", "302", "302", "302", "302", "302"),  # 302: already set up
    "mfa_deactivate_totp": ("login", "mfa", "302", "302", "302", "302"),  # asks to reauthenticate
    "mfa_view_recovery_codes": ("login", "mfa", "404", "404", "404", "404"),
    "mfa_generate_recovery_codes": ("login", "mfa", "302", "302", "302", "302"),
    "mfa_download_recovery_codes": ("login", "mfa", "404", "404", "404", "404"),
    "mfa_list_webauthn": SIGNED_IN,
    "mfa_add_webauthn": ("login", "mfa", "302", "302", "302", "302"),
    "mfa_reauthenticate_webauthn": ("login", "mfa", "302", "302", "302", "302"),
    "mfa_remove_webauthn": ("login", "mfa", "302", "302", "302", "302"),
    "mfa_edit_webauthn": ("login", "mfa", "302", "302", "302", "302"),
    "usersessions_list": SIGNED_IN,
    # Django's admin signs in through allauth (portal/urls.py); its own pages are a group below.
    "admin:login": ("login", "mfa", "403", "403", "403", "403"),
    "admin:logout": ("302", "mfa", "302", "302", "302", "302"),
}

# Families of routes the portal does not write itself, by name prefix (an unnamed pattern is
# named by its route).
GROUPS: dict[str, tuple[str, ...]] = {
    # Django's admin: none of the six is `is_staff`, so each is sent to its sign-in page,
    # which sends them on to allauth's, with the same second factor.
    "admin:": ("admin-login", "mfa", "admin-login", "admin-login", "admin-login", "admin-login"),
}

REFUSALS = {"login", "mfa", "403", "404", "admin-login"}
SAMPLE_TOKEN = "no-such-invitation-token"


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple]:
    """(name, route string) for every URL pattern, however deeply included."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern, prefix + str(pattern.pattern), inner)
        else:
            route = prefix + str(pattern.pattern)
            yield f"{namespace}{pattern.name or route}", route


def build_path(route: str, values: dict[str, str]) -> str:
    """The route with a sample value for each argument, from either kind of pattern."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], path)
    return "/" + path.replace("^", "").replace("$", "")


def outcome(response) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        for prefix, name in (
            ("/accounts/login/", "login"),
            ("/accounts/2fa/totp/activate/", "mfa"),
            ("/admin/login/", "admin-login"),
        ):
            if location.startswith(prefix):
                return name
    return str(response.status_code)


def expected_for(name: str) -> tuple[str, ...] | None:
    if name in EXPECTED:
        return EXPECTED[name]
    if name in ALLAUTH:
        return ALLAUTH[name]
    for prefix, outcomes in GROUPS.items():
        if name.startswith(prefix):
            return outcomes
    return None


@pytest.fixture
def world(
    isl, other_isl, ncpp_officer, portal_admin, retail, transport, settings, tmp_path, severe
):
    """Real objects for every route argument, and a signed-in client per persona."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "attachments"
    change = severe
    published = make_bulletin(
        ncpp_officer,
        title="For retail only",
        summary="Retail advice.",
        marking=Marking.AMBER,
        sectors=[retail],
        send_alert=True,
    )
    attachment = add_attachment(
        published,
        SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n"),
        PDF,
        uploaded_by=ncpp_officer,
    )
    draft = make_bulletin(
        ncpp_officer, title="A draft", status=Bulletin.Status.DRAFT, sectors=[retail]
    )
    alert = Alert.objects.get(bulletin=published)
    person = UserFactory(email="someone@example.org", name="Someone")
    membership = MembershipFactory(user=person, sector=retail, role=Membership.Role.MEMBER)
    invitation = create_invitation(
        email="invitee@example.org",
        kind=Invitation.Kind.ISL,
        invited_by=portal_admin,
        sectors=[SectorRole(transport, Membership.Role.MEMBER)],
    )
    call = schedule_call(
        convener=ncpp_officer,
        title="Retail call",
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=30,
        all_sectors=False,
        sectors=[retail],
        dial_in="0800 000 0000",
    )
    contact = Contact.objects.create(
        sector=retail, organisation="A shop", name="Shop keeper", email="shop@example.org"
    )
    half = make_person("half@example.org", "Half signed in", second_factor=False)
    MembershipFactory(user=half, sector=retail, role=Membership.Role.LEAD)

    clients = {}
    people = {
        "half": half,
        "isl": isl,
        "other_isl": other_isl,
        "ncpp": ncpp_officer,
        "admin": portal_admin,
    }
    clients["anonymous"] = Client(
        headers={"X-Forwarded-Proto": "https"}, raise_request_exception=False
    )
    for persona, user in people.items():
        clients[persona] = Client(
            headers={"X-Forwarded-Proto": "https"}, raise_request_exception=False
        )
        clients[persona].force_login(user)

    writing = {"bulletin_edit", "bulletin_preview", "bulletin_publish"}

    def values(name: str) -> dict[str, str]:
        pk = published.pk
        if name in writing:
            pk = draft.pk
        elif name.startswith("threat_level_"):
            pk = change.pk
        elif name.startswith("alert_"):
            pk = alert.pk
        elif name.startswith("call_"):
            pk = call.pk
        elif name.startswith("mfa_"):
            pk = 999999
        return {
            "pk": str(pk),
            "attachment_pk": str(attachment.pk),
            "slug": retail.slug,
            "membership_id": str(membership.pk),
            "user_id": str(person.pk),
            "invitation_id": str(invitation.pk),
            "contact_pk": str(contact.pk),
            "token": SAMPLE_TOKEN,
            "key": "no-such-key",
            "uidb36": "zz",
            "object_id": "1",
            "id": "1",
            "content_type_id": "1",
            "app_label": "accounts",
            "url": "nowhere/",
        }

    return clients, values


def routes() -> list[tuple[str, str]]:
    return list(walk(get_resolver()))


def test_every_route_has_an_access_decision_and_keeps_it(world) -> None:
    clients, values = world
    unlisted, wrong, observed = [], [], []
    for name, route in routes():
        path = build_path(route, values(name))
        expected = expected_for(name)
        if expected is None:
            unlisted.append(f"{name} ({path})")
            continue
        got = tuple(outcome(clients[persona].get(path)) for persona in PERSONAS)
        observed.append(f"    {name!r}: {got!r},  # {path}")
        if got != expected:
            differences = ", ".join(
                f"{persona} expected {want} got {have}"
                for persona, want, have in zip(PERSONAS, expected, got, strict=True)
                if want != have
            )
            wrong.append(f"{name} {path}: {differences}")
    if os.environ.get("ROUTE_POLICY_OBSERVE"):
        print("\n".join(observed))
    assert not unlisted, (
        "Routes with no access decision: add each to EXPECTED in tests/test_route_policy.py:\n"
        + "\n".join(unlisted)
    )
    assert not wrong, "Routes answering differently from their policy:\n" + "\n".join(wrong)


def test_the_table_lists_no_route_that_does_not_exist() -> None:
    names = {name for name, _ in routes()}
    stale = (set(EXPECTED) | set(ALLAUTH)) - names
    assert not stale, f"Listed in the table but not routed: {sorted(stale)}"


def test_a_person_refused_a_page_is_refused_the_same_way_when_posting_to_it(world) -> None:
    """A refusal on GET must not become a write on POST: the same refusal, or 405 from a
    read-only page that checks the method first (which says nothing about the object)."""
    from accounts.models import AuditEvent

    clients, values = world
    before = (Bulletin.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    wrong = []
    for name, route in routes():
        if name not in EXPECTED:
            continue
        path = build_path(route, values(name))
        for persona, expected in zip(PERSONAS, EXPECTED[name], strict=True):
            if expected not in REFUSALS:
                continue
            got = outcome(clients[persona].post(path, {}))
            if got not in (expected, "405"):
                wrong.append(f"{name} {path}: {persona} expected {expected} got {got}")
    assert not wrong, "POST answered differently from GET:\n" + "\n".join(wrong)
    after = (Bulletin.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    assert after == before
