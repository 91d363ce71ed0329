from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership
from tests.factories import MembershipFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, portal_admin):
    client.force_login(portal_admin)
    return client


def make_sectors(count: int) -> None:
    for number in range(count):
        sector = SectorFactory(name=f"Sector {number:02}")
        # No password: hashing one is slow and these people never sign in.
        MembershipFactory(sector=sector, role=Membership.Role.LEAD, user__password=None)
        MembershipFactory(sector=sector, role=Membership.Role.MEMBER, user__password=None)


def queries_for(client, url: str) -> int:
    client.get(url)  # the first request fills per-session caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_sector_list_makes_the_same_number_of_queries_for_2_and_20_sectors(admin_client):
    make_sectors(2)
    few = queries_for(admin_client, "/manage/sectors/")
    make_sectors(18)

    assert queries_for(admin_client, "/manage/sectors/") == few


def test_the_sector_list_counts_active_people_and_flags_no_active_lead(
    admin_client, retail, transport, isl, other_isl
):
    gone = UserFactory(is_active=False)
    MembershipFactory(user=gone, sector=transport, role=Membership.Role.LEAD)

    page = admin_client.get("/manage/sectors/").content.decode()

    transport_row = page[page.index(">Transport<") :]
    assert "No active lead" in transport_row.split("</tr>")[0]
    retail_row = page[page.index(">Retail<") :]
    assert "No active lead" not in retail_row.split("</tr>")[0]


def test_the_roster_groups_people_by_role_and_shows_never_for_no_sign_in(admin_client, retail, isl):
    deputy = UserFactory(name="Dee Deputy", organisation="Big Shop")
    MembershipFactory(user=deputy, sector=retail, role=Membership.Role.DEPUTY)

    page = admin_client.get("/manage/sectors/retail/").content.decode()

    assert page.index("Leads") < page.index("Retail lead") < page.index("Deputies")
    assert page.index("Deputies") < page.index("Dee Deputy") < page.index("No members.")
    assert "Big Shop" in page and "never" in page


def test_the_people_list_searches_and_says_when_nobody_matches(admin_client, isl, other_isl):
    found = admin_client.get("/manage/people/", {"q": "transport"}).content.decode()
    found = found.replace("<wbr>", "")  # where an address may wrap
    nobody = admin_client.get("/manage/people/", {"q": "zebra"}).content.decode()

    assert "isl.transport@example.org" in found and "isl.retail@example.org" not in found
    assert "No people match." in nobody


def test_the_people_list_is_paginated_by_50(admin_client):
    for number in range(60):
        UserFactory(name=f"Paged {number:02}", password=None)

    first = admin_client.get("/manage/people/", {"q": "Paged"}).content.decode()
    second = admin_client.get("/manage/people/", {"q": "Paged", "page": 2}).content.decode()

    assert "Paged 49" in first and "Paged 50" not in first
    assert "Paged 50" in second and "govuk-pagination" in second
    assert "?q=Paged&amp;page=1" in second


def test_coverage_lists_leaderless_sectors_and_people_quiet_for_90_days(
    admin_client, retail, transport, isl, other_isl
):
    now = timezone.now()
    type(isl).objects.filter(pk=isl.pk).update(last_login=now - timedelta(days=91))
    type(isl).objects.filter(pk=other_isl.pk).update(last_login=now - timedelta(days=5))
    never = UserFactory(name="Never Seen", date_joined=now - timedelta(days=120))
    UserFactory(name="Just Joined", date_joined=now - timedelta(days=3))

    page = admin_client.get("/manage/coverage/").content.decode()

    leaderless, quiet = page.split("People who have not signed in for 90 days", 1)
    assert "Transport" in leaderless and "Retail" not in leaderless
    assert "Retail lead" in quiet and never.name in quiet
    assert "Transport member" not in quiet and "Just Joined" not in quiet
