"""One bulletin never names another its reader may not see.

The issue's scenario, both ways round: a bulletin for all sectors superseded by a TLP:RED one
for Transport only, and a TLP:RED one for Transport only superseded by one for all sectors. A
Retail ISL reads everything they may read, on every page and in every email they get, and never
meets the RED bulletin's title or reference; the Transport ISL and NCPP staff do see the link.
The pages are read in turns by different audiences, so that what one audience's request kept in
the cache is what the next one is served.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bulletins.models import Bulletin, Marking
from bulletins.services import amend_bulletin
from tests.factories import MembershipFactory
from tests.helpers import make_bulletin, make_person, send_digest_now

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process", "severe")]

DAY = date(2026, 11, 27)
OPEN_TITLE = "Crowded places over the holiday weekend"
RED_TITLE = "Hostile reconnaissance at two rail termini"
SEARCH_WORDS = ["crowded", "reconnaissance termini", "holiday weekend"]


def at(hour: int) -> datetime:
    """An hour of the day before DAY: inside DAY's morning digest."""
    previous = DAY - timedelta(days=1)
    return timezone.make_aware(datetime(previous.year, previous.month, previous.day, hour))


@dataclass
class Scenario:
    open: Bulletin  # for all sectors, TLP:GREEN
    red: Bulletin  # for Transport only, TLP:RED
    red_is_newer: bool

    @property
    def secrets(self) -> tuple[str, str]:
        return self.red.title, self.red.reference


def publish(author, *, published_at: datetime, **fields) -> Bulletin:
    """Published with its alert, as staff publish it, at `published_at`."""
    return make_bulletin(author, send_alert=True, published_at=published_at, **fields)


@pytest.fixture
def digest_reader(retail):
    """A Retail ISL who takes routine bulletins in the morning digest."""
    person = make_person("retail.digest@example.org", "Retail digest reader")
    person.routine_alerts = "digest"
    person.save()
    MembershipFactory(user=person, sector=retail)
    return person


@pytest.fixture(params=["open superseded by red", "red superseded by open"])
def scenario(
    request, ncpp_officer, isl, other_isl, digest_reader, transport,
    mailoutbox, django_capture_on_commit_callbacks,
) -> Scenario:  # fmt: skip
    open_fields = {"title": OPEN_TITLE, "marking": Marking.GREEN, "all_sectors": True}
    red_fields = {"title": RED_TITLE, "marking": Marking.RED, "sectors": [transport]}
    red_is_newer = request.param == "open superseded by red"
    with django_capture_on_commit_callbacks(execute=True):
        if red_is_newer:
            older = publish(ncpp_officer, published_at=at(9), **open_fields)
            newer = publish(ncpp_officer, published_at=at(10), supersedes=older, **red_fields)
            made = Scenario(open=older, red=newer, red_is_newer=True)
        else:
            older = publish(ncpp_officer, published_at=at(9), **red_fields)
            newer = publish(ncpp_officer, published_at=at(10), supersedes=older, **open_fields)
            made = Scenario(open=newer, red=older, red_is_newer=False)
        # An amendment with a re-alert: an earlier version, and one more email.
        amend_bulletin(
            made.open, what_changed="Times corrected.", realert=True, actor=ncpp_officer,
            summary="About the holiday weekend, times corrected",
        )  # fmt: skip
    send_digest_now(DAY)
    return made


def page(client, person, path: str) -> str:
    client.force_login(person)
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def assert_names_nothing_of_red(text: str, scenario: Scenario, where: str) -> None:
    for secret in scenario.secrets:
        assert secret not in text, f"{secret!r} is shown to a Retail ISL on {where}"


def assert_links_to_red(html: str, scenario: Scenario) -> None:
    link = f'<a class="govuk-link" href="{scenario.red.get_absolute_url()}">'
    if scenario.red_is_newer:
        assert f"Superseded by {link}{scenario.red.reference}: {scenario.red.title}</a>" in html
    else:
        assert "Supersedes" in html and f"{link}{scenario.red.reference}</a>" in html


def test_the_open_bulletins_page_names_the_red_one_to_its_readers_only(
    client, scenario, isl, other_isl, ncpp_officer
):
    path = scenario.open.get_absolute_url()
    # Transport and staff read it first, then Retail twice (from the cache), then the others
    # again after Retail's reading was the one kept.
    for person in (other_isl, ncpp_officer):
        assert_links_to_red(page(client, person, path), scenario)
    for _ in range(2):
        html = page(client, isl, path)
        assert OPEN_TITLE in html
        assert_names_nothing_of_red(html, scenario, "the open bulletin's page")
        assert "Superseded by" not in html and "Supersedes" not in html
    for person in (other_isl, ncpp_officer):
        assert_links_to_red(page(client, person, path), scenario)


def test_retail_reads_first_and_the_others_still_see_the_link(
    client, scenario, isl, other_isl, ncpp_officer
):
    path = scenario.open.get_absolute_url()
    assert_names_nothing_of_red(page(client, isl, path), scenario, "the open bulletin's page")
    assert_links_to_red(page(client, other_isl, path), scenario)
    assert_links_to_red(page(client, ncpp_officer, path), scenario)
    assert_names_nothing_of_red(page(client, isl, path), scenario, "the open bulletin's page")


def test_the_red_bulletins_page_links_to_the_open_one_for_its_readers(
    client, scenario, other_isl, isl
):
    html = page(client, other_isl, scenario.red.get_absolute_url())
    assert f'href="{scenario.open.get_absolute_url()}"' in html
    client.force_login(isl)
    assert client.get(scenario.red.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "where",
    ["/", "/bulletins/", "revisions", *(f"/bulletins/search/?q={words}" for words in SEARCH_WORDS)],
)
def test_no_page_a_retail_isl_reads_names_the_red_bulletin(
    client, scenario, isl, other_isl, ncpp_officer, where
):
    path = f"/bulletins/{scenario.open.pk}/revisions/" if where == "revisions" else where
    for person in (other_isl, ncpp_officer):  # other audiences warm whatever is kept
        page(client, person, path)
    html = page(client, isl, path)
    if "reconnaissance" not in where:  # the page does show what Retail may read
        assert OPEN_TITLE in html
    assert_names_nothing_of_red(html, scenario, path)


def test_no_email_a_retail_isl_gets_names_the_red_bulletin(
    scenario, isl, digest_reader, mailoutbox
):
    theirs = [
        message for message in mailoutbox if set(message.to) & {isl.email, digest_reader.email}
    ]
    kinds = {(message.to[0], message.subject.split("]")[0]) for message in theirs}
    # The open bulletin's alert and its amendment for the ISL; the digest for the reader.
    assert len([m for m in theirs if m.to == [isl.email]]) == 2, kinds
    assert any(m.subject.startswith("Your bulletins") for m in theirs), kinds
    for message in theirs:
        parts = [message.subject, message.body]
        parts += [content for content, _ in getattr(message, "alternatives", [])]
        for part in parts:
            assert_names_nothing_of_red(part, scenario, f"an email to {message.to[0]}")
    assert any(scenario.open.reference in message.body for message in theirs)


def test_the_links_cost_the_same_queries_for_one_successor_or_many(
    client, isl, ncpp_officer, retail, transport, django_assert_num_queries
):
    older = publish(ncpp_officer, published_at=at(8), title=OPEN_TITLE, all_sectors=True)

    def supersede_with(count: int) -> None:
        for number in range(count):
            sectors = [retail] if number % 2 else [transport]
            publish(ncpp_officer, published_at=at(9), title=f"Successor {number}",
                    supersedes=older, sectors=sectors)  # fmt: skip

    supersede_with(1)
    client.force_login(isl)
    client.get(older.get_absolute_url())  # the first view is recorded, the article kept
    client.get(older.get_absolute_url())
    with CaptureQueriesContext(connection) as one:
        html = client.get(older.get_absolute_url()).content.decode()
    with_one = len(one)  # read now: the next request empties the log
    assert "Successor 0" not in html  # for Transport only
    supersede_with(6)
    client.get(older.get_absolute_url())
    with django_assert_num_queries(with_one):
        html = client.get(older.get_absolute_url()).content.decode()
    assert html.count("Superseded by") == 3
