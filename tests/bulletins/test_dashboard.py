"""Each person's dashboard shows the work of each role they hold, staff first."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import NCPP_STAFF_GROUP, PORTAL_ADMINS_GROUP, Invitation, Membership
from alerts.models import Alert, Delivery
from bulletins import services
from tests.factories import MembershipFactory, SectorFactory
from tests.helpers import make_bulletin, make_person


def dashboard(client, person) -> str:
    client.force_login(person)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, css_class: str) -> str:
    """The part of the page inside the first element with this class."""
    start = html.index(f'class="{css_class}')
    return html[start : html.index("</ul>", start)]


def times_linked(page: str, bulletin) -> int:
    return page.count(f'href="{bulletin.get_absolute_url()}"')


def sections(page: str) -> list[str]:
    """The role sections of the page, in their order."""
    found = [(page.find(f'id="{name}-heading"'), name) for name in ("staff", "admin", "isl")]
    return [name for at, name in sorted(found) if at >= 0]


def join(person, group: str) -> None:
    person.groups.add(Group.objects.get_or_create(name=group)[0])


@pytest.fixture
def night_time(db):
    return SectorFactory(name="Night-time economy", slug="night-time-economy")


# --- ISLs -------------------------------------------------------------------


def test_an_isl_is_told_their_sectors_and_role_in_each(client, isl, night_time):
    MembershipFactory(user=isl, sector=night_time, role=Membership.Role.DEPUTY)
    page = dashboard(client, isl)
    assert sections(page) == ["isl"]
    assert "Your sectors: Night-time economy (deputy), Retail (lead)" in page


def test_an_isl_sees_each_bulletin_once_in_the_list_it_belongs_to(
    client, ncpp_officer, isl, retail
):
    to_acknowledge = make_bulletin(
        ncpp_officer, title="Acknowledge me", sectors=[retail], action_required=True
    )
    unread = make_bulletin(ncpp_officer, title="Read me", sectors=[retail])
    read = make_bulletin(ncpp_officer, title="Already read", all_sectors=True)
    acknowledged = make_bulletin(
        ncpp_officer, title="Done with", sectors=[retail], action_required=True
    )
    services.record_reading(read, isl)
    services.acknowledge_bulletin(acknowledged, isl)

    page = dashboard(client, isl)

    for bulletin in (to_acknowledge, unread, read, acknowledged):
        assert times_linked(page, bulletin) == 1, bulletin.title
    waiting = section(page, "govuk-list dashboard-waiting")
    assert to_acknowledge.title in waiting and "Not read" in waiting
    assert unread.title in section(page, "govuk-list dashboard-unread")
    recent = section(page, "govuk-list dashboard-recent")
    assert read.title in recent and acknowledged.title in recent


def test_a_bulletin_waiting_for_acknowledgement_is_not_repeated_once_read(
    client, ncpp_officer, isl, retail
):
    bulletin = make_bulletin(
        ncpp_officer, title="Acknowledge me", sectors=[retail], action_required=True
    )
    services.record_reading(bulletin, isl)
    page = dashboard(client, isl)
    assert times_linked(page, bulletin) == 1
    assert "Acknowledge me" in section(page, "govuk-list dashboard-waiting")
    assert "You have read every bulletin for your sectors." in page


def test_an_isl_is_not_told_they_read_everything_while_one_waits_unread(
    client, ncpp_officer, isl, retail
):
    make_bulletin(ncpp_officer, title="Acknowledge me", sectors=[retail], action_required=True)
    page = dashboard(client, isl)
    assert "You have read every bulletin" not in page
    assert "Nothing else is unread." in page


def test_an_isl_never_sees_another_sectors_bulletin(client, ncpp_officer, isl, transport):
    make_bulletin(ncpp_officer, title="For transport only", sectors=[transport])
    page = dashboard(client, isl)
    assert "For transport only" not in page
    assert "No briefings have been published for your sectors yet." in page


def test_an_isl_with_more_waiting_than_shown_is_told_how_many(client, ncpp_officer, isl, retail):
    for number in range(7):
        make_bulletin(
            ncpp_officer, title=f"Action {number}", sectors=[retail], action_required=True
        )
    page = dashboard(client, isl)
    assert "7 in all: the newest 5 are shown." in page
    assert "Action 6" in page and "Action 1" not in page


# --- NCPP staff ---------------------------------------------------------------


def test_staff_are_never_asked_to_acknowledge_what_is_not_addressed_to_them(
    client, ncpp_officer, retail
):
    make_bulletin(ncpp_officer, title="For retail", sectors=[retail], action_required=True)
    page = dashboard(client, ncpp_officer)
    assert sections(page) == ["staff"]
    assert "Waiting for your acknowledgement" not in page
    assert "Not yet read" not in page
    assert "For retail" in page  # as published, with its acknowledgements


def test_staff_who_are_also_isls_are_asked_only_about_their_own_sectors(
    client, ncpp_officer, retail, transport
):
    MembershipFactory(user=ncpp_officer, sector=retail, role=Membership.Role.MEMBER)
    make_bulletin(ncpp_officer, title="For retail", sectors=[retail], action_required=True)
    make_bulletin(ncpp_officer, title="For transport", sectors=[transport], action_required=True)
    page = dashboard(client, ncpp_officer)
    waiting = section(page, "govuk-list dashboard-waiting")
    assert "For retail" in waiting and "For transport" not in waiting
    assert sections(page) == ["staff", "isl"]


def test_staff_see_every_draft_and_whose_it_is(client, ncpp_officer):
    colleague = make_person("colleague@example.org", "Pat Colleague")
    join(colleague, NCPP_STAFF_GROUP)
    make_bulletin(ncpp_officer, title="My draft", status="draft", all_sectors=True)
    make_bulletin(colleague, title="Their draft", status="draft", all_sectors=True)
    page = dashboard(client, ncpp_officer)
    drafts = section(page, "govuk-list dashboard-drafts")
    assert "My draft" in drafts and "by you" in drafts
    assert "Their draft" in drafts and "by Pat Colleague" in drafts
    assert "2 drafts waiting, 1 of them yours." in page


def test_staff_see_how_the_alerts_of_what_they_published_went(
    client, ncpp_officer, isl, other_isl, retail
):
    bulletin = make_bulletin(ncpp_officer, title="Alerted", all_sectors=True)
    alert = Alert.objects.create(
        kind=Alert.Kind.BULLETIN_PUBLISHED, bulletin=bulletin, created_by=ncpp_officer
    )
    Delivery.objects.create(
        alert=alert, user=isl, status=Delivery.Status.SENT, sent_at=timezone.now()
    )
    Delivery.objects.create(
        alert=alert, user=other_isl, status=Delivery.Status.FAILED_PERMANENT, last_error="550"
    )
    page = dashboard(client, ncpp_officer)
    published = section(page, "govuk-list dashboard-published")
    assert "Alerted 2 people" in published and "1 failed" in published
    assert 'href="/alerts/"' in page


def test_staff_see_how_many_leads_acknowledged_what_asks_for_action(
    client, ncpp_officer, isl, retail, transport
):
    transport_lead = make_person("lead.transport@example.org", "Transport lead")
    MembershipFactory(user=transport_lead, sector=transport, role=Membership.Role.LEAD)
    retail_member = make_person("member.retail@example.org", "Retail member")
    MembershipFactory(user=retail_member, sector=retail, role=Membership.Role.MEMBER)
    everyone = make_bulletin(
        ncpp_officer, title="For everyone", all_sectors=True, action_required=True
    )
    retail_only = make_bulletin(
        ncpp_officer, title="For retail", sectors=[retail], action_required=True
    )
    for bulletin in (everyone, retail_only):
        services.acknowledge_bulletin(bulletin, isl)
        services.acknowledge_bulletin(bulletin, retail_member)  # a member, not a lead
    page = dashboard(client, ncpp_officer)
    rows = section(page, "govuk-list dashboard-acknowledgements").split("<li>")
    assert "1 of 2 leads acknowledged" in next(row for row in rows if "For everyone" in row)
    assert "1 of 1 lead acknowledged" in next(row for row in rows if "For retail" in row)


def test_staff_may_record_a_threat_level_change_from_the_dashboard(client, ncpp_officer, isl):
    assert 'href="/threat-level/record/"' in dashboard(client, ncpp_officer)
    assert 'href="/threat-level/record/"' not in dashboard(client, isl)


# --- Portal admins ------------------------------------------------------------


def test_an_admin_sees_invitations_leaderless_sectors_and_newcomers(
    client, portal_admin, isl, retail, transport
):
    now = timezone.now()
    for number in range(3):
        Invitation.objects.create(
            email=f"invited{number}@example.org", token_hash=f"hash{number}",
            expires_at=now + timedelta(days=7),
        )  # fmt: skip
    Invitation.objects.create(
        email="late@example.org", token_hash="expired", expires_at=now - timedelta(days=1)
    )
    page = dashboard(client, portal_admin)
    assert "3 invitations waiting to be accepted" in page
    assert 'href="/manage/invitations/?status=pending"' in page
    leaderless = section(page, "govuk-list dashboard-leaderless")
    assert "Transport" in leaderless and "Retail" not in leaderless
    assert "Retail lead" in section(page, "govuk-list dashboard-new-people")


def test_an_admin_is_told_what_they_may_read_not_that_nothing_was_published(
    client, ncpp_officer, portal_admin, retail
):
    make_bulletin(ncpp_officer, title="For retail", sectors=[retail])
    page = dashboard(client, portal_admin)
    assert sections(page) == ["admin"]
    assert "No briefings have been published" not in page
    assert "You are in no sector, so no bulletin is shown to you" in page
    assert "For retail" not in page


def test_only_an_admin_who_may_see_alerts_sent_is_shown_failed_alert_emails(
    client, ncpp_officer, portal_admin, isl
):
    bulletin = make_bulletin(ncpp_officer, all_sectors=True)
    alert = Alert.objects.create(
        kind=Alert.Kind.BULLETIN_PUBLISHED, bulletin=bulletin, created_by=ncpp_officer
    )
    Delivery.objects.create(
        alert=alert, user=isl, status=Delivery.Status.FAILED_PERMANENT, last_error="550"
    )
    assert "alert email failed" not in dashboard(client, portal_admin)
    join(portal_admin, NCPP_STAFF_GROUP)
    page = dashboard(client, portal_admin)
    assert "1 alert email failed in the last 24 hours" in page
    assert sections(page) == ["staff", "admin"]


def test_a_person_with_every_role_sees_each_section_staff_first(client, ncpp_officer, retail):
    join(ncpp_officer, PORTAL_ADMINS_GROUP)
    MembershipFactory(user=ncpp_officer, sector=retail, role=Membership.Role.DEPUTY)
    page = dashboard(client, ncpp_officer)
    assert sections(page) == ["staff", "admin", "isl"]
    assert "Your sectors: Retail (deputy)" in page


def test_a_profile_names_the_persons_sectors_and_role(client, isl, night_time, outsider):
    MembershipFactory(user=isl, sector=night_time, role=Membership.Role.DEPUTY)
    client.force_login(isl)
    page = client.get("/profile/").content.decode()
    assert "Your sectors" in page
    assert "<li>Night-time economy (deputy)</li><li>Retail (lead)</li>" in page
    client.force_login(outsider)
    assert "You are in no sector." in client.get("/profile/").content.decode()
