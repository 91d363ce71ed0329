"""No N+1 on any page type: each costs the same number of queries with little or more data.

Every page is requested twice — once with one of everything (bulletins, readers, revisions,
alert deliveries, audit rows, threat-level changes, people, members), once after ten more of
each — and must make exactly as many queries the second time. A loop that queries per row fails
here by name. (The load benchmark, bench/load.py, measures the speed; this only counts.)
"""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import PORTAL_ADMINS_GROUP, Invitation, Membership
from alerts.models import Alert, Delivery
from bulletins import services
from bulletins.models import Bulletin
from tests.factories import MembershipFactory, SectorFactory, UserFactory
from tests.helpers import make_bulletin, record_change
from threat_levels.models import ThreatLevelScope


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    # Every person made here gets a hashed password; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class World:
    """One target bulletin (for retail) with its alert, and everything around it, grown by n."""

    def __init__(self, officer, isl, retail, transport) -> None:
        self.officer, self.isl, self.retail, self.transport = officer, isl, retail, transport
        self.scope = ThreatLevelScope.objects.get(slug="national")
        self.levels = 0
        self.people = 0
        self.target = self.bulletin("Target", [retail], action_required=True)
        self.alert = Alert.objects.create(
            kind=Alert.Kind.BULLETIN_PUBLISHED, bulletin=self.target, created_by=officer
        )

    def bulletin(self, title: str, sectors, **fields) -> Bulletin:
        return make_bulletin(
            self.officer,
            title=title,
            all_sectors=not sectors,
            sectors=sectors,
            key_points=["One", "Two"],
            **fields,
        )

    def grow(self, n: int) -> None:
        start = timezone.make_aware(datetime(2010, 1, 1))
        for _ in range(n):
            number = self.people
            self.people += 1
            made = self.bulletin(
                f"Bulletin {number}",
                []
                if number % 3 == 0
                else [self.retail, self.transport][number % 2 : 1 + number % 2],
                action_required=number % 2 == 0,
            )
            if number % 2 == 0:
                services.acknowledge_bulletin(made, self.isl)
            services.amend_bulletin(
                self.target, what_changed=f"Change {number}.", realert=False, actor=self.officer,
                title=f"Target, amended {number}",
            )  # fmt: skip
            person = UserFactory(email=f"reader{number}@example.org", name=f"Reader {number}")
            MembershipFactory(user=person, sector=self.retail, role=Membership.Role.MEMBER)
            MembershipFactory(user=person, sector=self.transport, role=Membership.Role.DEPUTY)
            services.record_reading(self.target, person)
            if number % 2:
                services.record_cascade(self.target, person, count=number + 1)
            if number % 2 == 0:  # the first grow has a failure, so its list is shown
                Delivery.objects.create(
                    alert=self.alert, user=person, status=Delivery.Status.FAILED_PERMANENT,
                    attempts=1, last_error="550 No such mailbox",
                )  # fmt: skip
            else:
                Delivery.objects.create(
                    alert=self.alert, user=person, status=Delivery.Status.SENT, attempts=1,
                    sent_at=timezone.now(), message_id=f"<{number}@portal.example>",
                )  # fmt: skip
            # For the dashboards: a draft, an invitation, a sector with no lead yet.
            self.bulletin(f"Draft {number}", [], status=Bulletin.Status.DRAFT)
            Invitation.objects.create(
                email=f"invited{number}@example.org", token_hash=f"hash{number}",
                expires_at=timezone.now() + timedelta(days=7), invited_by=self.officer,
            )  # fmt: skip
            SectorFactory(name=f"Sector {number}", slug=f"sector-{number}")
            record_change(
                self.scope, ["SEVERE", "SUBSTANTIAL"][self.levels % 2],
                start + timedelta(days=30 * self.levels), note=f"Change {number}.",
                recorded_by=self.officer,
            )  # fmt: skip
            self.levels += 1


# Each page type, who asks for it, and its address given the world.
PAGES = {
    "public home": (None, lambda w: "/"),
    "dashboard": ("isl", lambda w: "/"),
    "dashboard (staff)": ("officer", lambda w: "/"),
    "dashboard (admin)": ("admin", lambda w: "/"),
    "dashboard (every role)": ("everyone", lambda w: "/"),
    "bulletin list": ("isl", lambda w: "/bulletins/"),
    "search": ("isl", lambda w: "/bulletins/search/?q=bulletin"),
    "bulletin detail": ("isl", lambda w: w.target.get_absolute_url()),
    "revisions": ("isl", lambda w: f"/bulletins/{w.target.pk}/revisions/"),
    "bulletin detail (staff)": ("officer", lambda w: w.target.get_absolute_url()),
    "readership": ("officer", lambda w: f"/bulletins/{w.target.pk}/readership/"),
    "threat-level history": ("officer", lambda w: "/threat-level/"),
    "alerts list": ("officer", lambda w: "/alerts/"),
    "alert report": ("officer", lambda w: f"/alerts/{w.alert.pk}/"),
    "manage sectors": ("admin", lambda w: "/manage/sectors/"),
    "manage sector": ("admin", lambda w: f"/manage/sectors/{w.retail.slug}/"),
    "manage people": ("admin", lambda w: "/manage/people/"),
    "audit log": ("admin", lambda w: "/manage/audit/"),
}


def queries_for(client, url: str) -> list[str]:
    client.get(url)  # warm the caches (threat levels, session, first view)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("page", PAGES)
def test_a_page_costs_the_same_queries_with_more_data(
    page, client, isl, ncpp_officer, portal_admin, retail, transport
):
    world = World(ncpp_officer, isl, retail, transport)
    who, url_of = PAGES[page]
    person = {"isl": isl, "officer": ncpp_officer, "admin": portal_admin}.get(who)
    if who == "everyone":  # NCPP staff, a portal admin and an ISL at once
        person = ncpp_officer
        person.groups.add(Group.objects.get_or_create(name=PORTAL_ADMINS_GROUP)[0])
        MembershipFactory(user=person, sector=retail, role=Membership.Role.DEPUTY)
    if person is not None:
        client.force_login(person)
    world.grow(1)
    few = queries_for(client, url_of(world))
    world.grow(10)
    more = queries_for(client, url_of(world))
    assert len(more) == len(few), (
        f"{page}: {len(few)} queries with little data, {len(more)} with more:\n" + "\n".join(more)
    )
