"""Each act on the manage pages writes exactly one audit row, naming who did it and to what."""

import csv
import io
import re

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import DatabaseError, transaction
from django.test import Client

from accounts.invitations import create_invitation
from accounts.models import AuditEvent, Invitation, Membership, User
from accounts.services import add_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, portal_admin):
    client.force_login(portal_admin)
    return client


def only_new_event(before: int) -> AuditEvent:
    assert AuditEvent.objects.count() == before + 1
    return AuditEvent.objects.order_by("-id").first()


def test_adding_a_person_to_a_sector_is_audited_once(admin_client, portal_admin, retail, outsider):
    before = AuditEvent.objects.count()

    response = admin_client.post(
        "/manage/sectors/retail/add/", {"email": "Outsider@Example.org", "role": "deputy"}
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=outsider, sector=retail)
    assert membership.role == "deputy"
    event = only_new_event(before)
    assert (event.action, event.actor, event.object_id) == (
        "membership.added",
        portal_admin,
        str(membership.pk),
    )


def test_adding_someone_already_in_the_sector_is_refused_and_not_audited(admin_client, retail, isl):
    before = AuditEvent.objects.count()

    response = admin_client.post(
        "/manage/sectors/retail/add/", {"email": isl.email, "role": "member"}
    )

    assert response.status_code == 200
    assert "is already in Retail" in response.content.decode()
    assert Membership.objects.get(user=isl, sector=retail).role == "lead"
    assert AuditEvent.objects.count() == before


def test_add_member_refuses_a_duplicate(portal_admin, retail, isl):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        add_member(user=isl, sector=retail, role="member", actor=portal_admin)


def test_changing_a_role_is_audited_once_with_old_and_new(admin_client, portal_admin, isl):
    membership = Membership.objects.get(user=isl)
    before = AuditEvent.objects.count()

    admin_client.post(f"/manage/memberships/{membership.pk}/role/", {"role": "deputy"})

    membership.refresh_from_db()
    assert membership.role == "deputy"
    event = only_new_event(before)
    assert (event.action, event.actor, event.object_id) == (
        "membership.changed",
        portal_admin,
        str(membership.pk),
    )
    assert event.changes["role"] == ["lead", "deputy"]


def test_removing_a_member_asks_first_then_is_audited_once(admin_client, portal_admin, isl):
    membership = Membership.objects.get(user=isl)
    before = AuditEvent.objects.count()

    confirmation = admin_client.get(f"/manage/memberships/{membership.pk}/remove/")
    assert "govuk-button--warning" in confirmation.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()

    admin_client.post(f"/manage/memberships/{membership.pk}/remove/")

    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = only_new_event(before)
    assert (event.action, event.actor, event.object_id) == (
        "membership.removed",
        portal_admin,
        str(membership.pk),
    )
    assert event.changes == {"user": isl.email, "sector": "retail", "role": "lead"}


def test_deactivating_a_person_is_audited_once_and_revokes_their_invitations(
    admin_client, portal_admin, other_isl
):
    other_isl.is_active = False
    other_isl.save()
    invitation = create_invitation(
        email=other_isl.email, kind=Invitation.Kind.NCPP_STAFF, invited_by=portal_admin
    )
    other_isl.is_active = True
    other_isl.save()
    before = AuditEvent.objects.count()

    admin_client.post(f"/manage/people/{other_isl.pk}/deactivate/")

    other_isl.refresh_from_db()
    invitation.refresh_from_db()
    assert not other_isl.is_active
    assert invitation.status == "revoked"
    event = only_new_event(before)
    assert (event.action, event.actor, event.object_id) == (
        "person.deactivated",
        portal_admin,
        str(other_isl.pk),
    )


def test_a_portal_admin_cannot_deactivate_themselves(admin_client, portal_admin):
    before = AuditEvent.objects.count()

    admin_client.post(f"/manage/people/{portal_admin.pk}/deactivate/")

    portal_admin.refresh_from_db()
    assert portal_admin.is_active
    assert AuditEvent.objects.count() == before


def test_revoking_an_invitation_from_the_manage_page_is_audited_once(admin_client, portal_admin):
    invitation = create_invitation(
        email="invitee@example.org", kind=Invitation.Kind.NCPP_STAFF, invited_by=portal_admin
    )
    before = AuditEvent.objects.count()

    confirmation = admin_client.get(f"/manage/invitations/{invitation.pk}/revoke/")
    assert "Revoke invitation" in confirmation.content.decode()
    admin_client.post(f"/manage/invitations/{invitation.pk}/revoke/")

    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    event = only_new_event(before)
    assert (event.action, event.actor, event.object_id) == (
        "invitation.revoked",
        portal_admin,
        str(invitation.pk),
    )


def test_a_new_isl_invitation_names_the_chosen_sectors_and_role(
    admin_client, portal_admin, retail, transport
):
    response = admin_client.post(
        "/manage/invitations/new/",
        {
            "email": "New.Lead@example.org",
            "name": "New Lead",
            "organisation": "Shops",
            "kind": "isl",
            "sectors": [retail.pk, transport.pk],
            "role": "lead",
        },
    )

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new.lead@example.org")
    assert invitation.invited_by == portal_admin
    assert {(item.sector.slug, item.role) for item in invitation.sectors.all()} == {
        ("retail", "lead"),
        ("transport", "lead"),
    }


def test_an_isl_invitation_without_a_sector_is_refused(admin_client):
    response = admin_client.post(
        "/manage/invitations/new/", {"email": "a@example.org", "kind": "isl", "role": "member"}
    )

    assert "Choose at least one sector" in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_someone_with_an_account_says_so(admin_client, isl):
    response = admin_client.post(
        "/manage/invitations/new/", {"email": isl.email, "kind": "ncpp_staff", "role": "member"}
    )

    assert f"{isl.email} already has an account" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_deactivated_persons_open_session_stops_working_at_once(admin_client, other_isl):
    theirs = Client(headers={"X-Forwarded-Proto": "https"})
    theirs.force_login(other_isl)
    assert "Sign out" in theirs.get("/").content.decode()
    session_key = theirs.session.session_key
    assert UserSession.objects.filter(user=other_isl).exists()

    admin_client.post(f"/manage/people/{other_isl.pk}/deactivate/")

    response = theirs.get("/")
    signed_out = response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert signed_out or "Sign out" not in response.content.decode()
    assert not Session.objects.filter(session_key=session_key).exists()
    assert not UserSession.objects.filter(user=other_isl).exists()
    assert theirs.get("/manage/people/").status_code == 302


def test_exporting_the_audit_log_is_audited_once_and_neutralises_formulas(
    admin_client, portal_admin
):
    mallory = UserFactory(email="mallory@example.org", name='=HYPERLINK("http://x")')
    admin_client.post(f"/manage/people/{mallory.pk}/deactivate/")
    before = AuditEvent.objects.count()

    response = admin_client.post("/manage/audit/export/", {"action": "person.deactivated"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["time (UTC)", "actor email", "action"]
    assert len(rows) == 2
    assert rows[1][1:3] == ["portal.admin@example.org", "person.deactivated"]
    assert rows[1][6] == '\'=HYPERLINK("http://x")'
    assert rows[1][0].endswith("+00:00")
    event = only_new_event(before)
    assert (event.action, event.actor) == ("audit.exported", portal_admin)
    assert event.changes == {"action": "person.deactivated"}


def actions_listed(response) -> list[str]:
    """The Action column, as the page words it."""
    return re.findall(
        r'<td class="govuk-table__cell">([A-Z][a-z -]+)</td>', response.content.decode()
    )


def test_the_audit_log_filters_by_person_and_action(admin_client, isl, other_isl):
    admin_client.post(f"/manage/people/{other_isl.pk}/deactivate/")
    membership = Membership.objects.get(user=isl)
    admin_client.post(f"/manage/memberships/{membership.pk}/role/", {"role": "member"})

    by_person = admin_client.get("/manage/audit/", {"person": "isl.transport"})
    by_action = admin_client.get("/manage/audit/", {"action": "membership.changed"})
    by_date = admin_client.get("/manage/audit/", {"date_to": "1/1/2000"})

    assert actions_listed(by_person) == ["Person deactivated"]
    assert actions_listed(by_action) == ["Sector role changed"]
    assert actions_listed(by_date) == []
    assert "No events match." in by_date.content.decode()


def test_the_audit_log_cannot_be_updated_or_deleted():
    event = AuditEvent.objects.create(action="test.event", actor_email="someone@example.org")

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="test.rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()

    event.refresh_from_db()
    assert event.action == "test.event"


def test_a_person_is_deleted_nowhere_by_a_deactivation(admin_client, other_isl):
    admin_client.post(f"/manage/people/{other_isl.pk}/deactivate/")

    assert User.objects.filter(pk=other_isl.pk).exists()
    # Their sectors go with every other right (issue 12): the audit row keeps what they were.
    assert not Membership.objects.filter(user=other_isl).exists()
    event = AuditEvent.objects.get(action="person.deactivated", object_id=str(other_isl.pk))
    assert event.changes["memberships_removed"] == [{"sector": "transport", "role": "member"}]
