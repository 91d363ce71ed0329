"""The audit log in words: each action by its label, each change as a line (issue 14, item 10)."""

import ast
from pathlib import Path

import pytest

from accounts.audit import ACTION_LABELS, record_audit
from accounts.invitations import SectorRole, create_invitation, resend_invitation
from accounts.models import AuditEvent, Invitation, Membership
from tests.factories import SectorFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
APPS = ["accounts", "threat_levels", "bulletins", "alerts", "calls", "cascades", "portal", "demo"]


def actions_written_by_the_code() -> set[str]:
    """The first argument of every record_audit(...) call in the apps, read from the source:
    every string it can be (a conditional expression gives two)."""
    actions = set()
    for app in APPS:
        for path in (BASE_DIR / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not (
                    isinstance(node, ast.Call) and getattr(node.func, "id", "") == "record_audit"
                ):
                    continue
                strings = [
                    item.value
                    for item in ast.walk(node.args[0])
                    if isinstance(item, ast.Constant) and isinstance(item.value, str)
                ]
                assert strings, f"{path}:{node.lineno}: the action is not written out"
                actions.update(strings)
    return actions


def test_every_action_the_code_writes_has_a_label():
    written = actions_written_by_the_code()

    assert len(written) > 25  # the reading works: every act of the portal is found
    assert written - set(ACTION_LABELS) == set()


def test_no_label_is_left_over_from_an_action_nobody_writes():
    assert set(ACTION_LABELS) - actions_written_by_the_code() == set()


@pytest.fixture
def admin_client(client, portal_admin):
    client.force_login(portal_admin)
    return client


def test_a_row_reads_as_its_label_and_its_changes_as_lines(admin_client, portal_admin):
    finance = SectorFactory(name="Finance", slug="finance")
    invitation = create_invitation(
        email="new.lead@example.org",
        kind=Invitation.Kind.ISL,
        invited_by=portal_admin,
        sectors=[SectorRole(finance, Membership.Role.LEAD)],
    )
    resend_invitation(invitation, actor=portal_admin)

    page = admin_client.get("/manage/audit/").content.decode()

    assert ">Invitation sent again</td>" in page
    assert ">Invitation sent</td>" in page
    assert "invitation.resent" not in page.split("<tbody")[1]
    assert '<li class="govuk-!-margin-bottom-0">Finance: lead' in page
    assert "Invited as: Industry Sector Lead" in page
    assert "{&#x27;finance&#x27;: &#x27;lead&#x27;}" not in page
    assert "{'finance': 'lead'}" not in page


def test_a_change_of_role_reads_as_the_new_role_and_the_old(admin_client, portal_admin, isl):
    membership = Membership.objects.get(user=isl)
    admin_client.post(f"/manage/memberships/{membership.pk}/role/", {"role": "deputy"})

    page = admin_client.get("/manage/audit/", {"action": "membership.changed"}).content.decode()

    assert "Role: deputy (was lead)" in page
    assert "Sector: Retail" in page
    assert "[&#x27;lead&#x27;, &#x27;deputy&#x27;]" not in page


def test_a_row_from_an_earlier_release_with_an_unknown_action_still_shows(admin_client):
    record_audit("something.old", actor=None, changes={"odd_key": {"a": 1}, "flag": True})

    page = admin_client.get("/manage/audit/").content.decode()

    assert ">something.old</td>" in page
    assert "Odd key: " in page and "A: 1" in page
    assert "Flag: yes" in page


def test_the_action_filter_offers_labels(admin_client, portal_admin):
    AuditEvent.objects.create(action="invitation.resent", actor=portal_admin)

    page = admin_client.get("/manage/audit/").content.decode()

    assert '<option value="invitation.resent">Invitation sent again</option>' in page
