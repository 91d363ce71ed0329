"""List and search results are rendered once for everyone who sees the same bulletins, yet each
person reads their own status, and any change shows on the next request (bulletins/kept.py)."""

import re

import pytest

from accounts.models import Membership
from bulletins.services import acknowledge_bulletin, amend_bulletin, record_reading
from tests.factories import MembershipFactory
from tests.helpers import PDF_BYTES, days_ago, listed, make_bulletin, make_person, record_change

pytestmark = pytest.mark.django_db


def rendered_results(response) -> bool:
    names = {template.name for template in response.templates}
    return bool(names & {"bulletins/_list_results.html", "bulletins/_search_results.html"})


def row_of(response, bulletin) -> str:
    html = response.content.decode()
    match = re.search(rf'href="/bulletins/{bulletin.pk}/">.*?</td>', html, re.S)
    assert match, f"{bulletin} is not on the page"
    return match.group(0)


@pytest.fixture
def second_retail_isl(retail):
    person = make_person("second.retail@example.org", "Second retail member")
    MembershipFactory(user=person, sector=retail, role=Membership.Role.MEMBER)
    return person


@pytest.mark.parametrize("path", ["/bulletins/", "/bulletins/search/?q=cordon"])
def test_people_of_the_same_sectors_share_the_rows_but_each_sees_their_own_reading(
    client, isl, second_retail_isl, ncpp_officer, retail, path
):
    read = make_bulletin(ncpp_officer, title="Cordon advice", sectors=[retail])
    acknowledged = make_bulletin(ncpp_officer, title="Cordon drill", sectors=[retail])
    record_reading(read, isl)
    acknowledge_bulletin(acknowledged, isl)

    client.force_login(isl)
    first = client.get(path)
    client.force_login(second_retail_isl)
    second = client.get(path)

    assert rendered_results(first) and not rendered_results(second)
    assert "Unread" not in row_of(first, read) and "Acknowledged" not in row_of(first, read)
    assert "Acknowledged" in row_of(first, acknowledged)
    assert "<strong>Unread</strong>" in row_of(second, read)
    assert "<strong>Unread</strong>" in row_of(second, acknowledged)
    assert listed(first) == listed(second)


def test_people_of_other_sectors_never_share_results(client, isl, other_isl, ncpp_officer, retail):
    retail_only = make_bulletin(ncpp_officer, title="Retail only", sectors=[retail])
    client.force_login(isl)
    assert listed(client.get("/bulletins/")) == [retail_only.pk]

    client.force_login(other_isl)
    response = client.get("/bulletins/")

    assert rendered_results(response)
    assert listed(response) == []


def test_a_bulletin_published_after_the_results_were_kept_shows_on_the_next_request(
    client, isl, ncpp_officer, retail, django_capture_on_commit_callbacks
):
    first = make_bulletin(ncpp_officer, title="First", sectors=[retail])
    client.force_login(isl)
    assert listed(client.get("/bulletins/")) == [first.pk]

    with django_capture_on_commit_callbacks(execute=True):
        second = make_bulletin(ncpp_officer, title="Second", sectors=[retail])

    assert listed(client.get("/bulletins/")) == [second.pk, first.pk]


def test_an_amended_title_shows_on_the_next_request(client, isl, ncpp_officer, retail):
    bulletin = make_bulletin(ncpp_officer, title="Old title", sectors=[retail])
    client.force_login(isl)
    assert "Old title" in client.get("/bulletins/").content.decode()

    amend_bulletin(
        bulletin, what_changed="Retitled.", realert=False, actor=ncpp_officer, title="New title"
    )
    html = client.get("/bulletins/").content.decode()

    assert "New title" in html and "Old title" not in html


def test_a_renamed_sector_shows_on_the_next_request(client, isl, ncpp_officer, retail):
    make_bulletin(ncpp_officer, sectors=[retail])
    client.force_login(isl)
    assert "Retail and shopping centres" not in client.get("/bulletins/").content.decode()

    retail.name = "Retail and shopping centres"
    retail.save()

    assert "Retail and shopping centres" in client.get("/bulletins/").content.decode()


def test_the_person_reading_a_bulletin_changes_only_their_own_row(
    client, isl, second_retail_isl, ncpp_officer, retail
):
    bulletin = make_bulletin(ncpp_officer, sectors=[retail])
    client.force_login(isl)
    client.get("/bulletins/")
    assert client.get(bulletin.get_absolute_url()).status_code == 200

    mine = client.get("/bulletins/")
    client.force_login(second_retail_isl)
    theirs = client.get("/bulletins/")

    assert not rendered_results(mine)  # reading changes no kept results
    assert "Unread" not in row_of(mine, bulletin)
    assert "<strong>Unread</strong>" in row_of(theirs, bulletin)


def article_rendered(response) -> bool:
    return any(template.name == "bulletins/_bulletin.html" for template in response.templates)


def test_the_bulletin_itself_is_rendered_once_and_kept_for_the_next_reader(
    client, isl, second_retail_isl, ncpp_officer, retail
):
    bulletin = make_bulletin(
        ncpp_officer, title="Kept", body="Lock the *loading bays*.", sectors=[retail]
    )
    client.force_login(isl)
    first = client.get(bulletin.get_absolute_url())
    client.force_login(second_retail_isl)
    second = client.get(bulletin.get_absolute_url())

    assert article_rendered(first) and not article_rendered(second)
    assert "<em>loading bays</em>" in second.content.decode()
    assert "I have read this" in second.content.decode()  # the reader's own part, made afresh


def test_an_amendment_an_attachment_and_a_new_level_show_on_the_bulletin_at_once(
    client, isl, ncpp_officer, retail, national, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bulletins.attachments import PDF
    from bulletins.services import add_attachment

    record_change(national, "SUBSTANTIAL", days_ago(30))
    bulletin = make_bulletin(ncpp_officer, body="First text.", sectors=[retail])
    client.force_login(isl)
    assert "First text." in client.get(bulletin.get_absolute_url()).content.decode()

    amend_bulletin(
        bulletin, what_changed="Reworded.", realert=False, actor=ncpp_officer, body="New text."
    )
    assert "New text." in client.get(bulletin.get_absolute_url()).content.decode()
    add_attachment(
        bulletin,
        SimpleUploadedFile("plan.pdf", PDF_BYTES, "application/pdf"),
        PDF,
        uploaded_by=ncpp_officer,
    )
    assert "plan.pdf" in client.get(bulletin.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        record_change(national, "SEVERE")
    html = client.get(bulletin.get_absolute_url()).content.decode()

    assert "New text." in html and "First text." not in html
    assert "plan.pdf" in html
    assert "it was SUBSTANTIAL then and is SEVERE now" in html


def test_the_bulletin_page_shows_each_person_their_own_acknowledgement_and_cascade(
    client, isl, second_retail_isl, ncpp_officer, retail
):
    from bulletins.services import record_cascade

    bulletin = make_bulletin(ncpp_officer, sectors=[retail])
    acknowledge_bulletin(bulletin, isl)
    record_cascade(bulletin, isl, count=12)

    client.force_login(isl)
    mine = client.get(bulletin.get_absolute_url()).content.decode()
    client.force_login(second_retail_isl)
    theirs = client.get(bulletin.get_absolute_url()).content.decode()

    assert "You acknowledged this on" in mine and "I have read this" not in mine
    assert "You sent it on to 12 organisations on" in mine
    assert "I have read this" in theirs
    assert "You acknowledged" not in theirs and "You sent it on" not in theirs
