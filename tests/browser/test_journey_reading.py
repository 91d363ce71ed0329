import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bulletins.attachments import PDF
from bulletins.models import Marking
from bulletins.services import add_attachment
from tests.browser.conftest import screenshot, sign_in
from tests.helpers import make_bulletin

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

POSTER = b"%PDF-1.4\n% the poster\n%%EOF\n"


@pytest.fixture
def bulletins(ncpp_officer, retail, settings, tmp_path, severe):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "attachments"
    amber = make_bulletin(
        ncpp_officer,
        title="Hostile reconnaissance at shopping centres",
        summary="Signs of hostile reconnaissance, and what to look for.",
        body="## What to look for\n\nPeople taking an unusual interest in security.",
        marking=Marking.AMBER,
        sectors=[retail],
    )
    add_attachment(amber, SimpleUploadedFile("poster.pdf", POSTER), PDF, uploaded_by=ncpp_officer)
    green = make_bulletin(
        ncpp_officer,
        title="Reconnaissance awareness e-learning",
        summary="A course.",
        all_sectors=True,
    )
    return [amber, green]


def test_an_isl_searches_filters_prints_and_downloads_a_file(portal_server, page, isl, bulletins):
    amber, green = bulletins
    sign_in(page, portal_server, isl)

    page.goto(f"{portal_server}/bulletins/search/")
    page.locator("input[name=q]").fill("reconnaissance")
    page.locator("input[name=q]").press("Enter")
    page.wait_for_url("**/bulletins/search/?*")
    results = page.locator("main")
    assert amber.title in results.inner_text() and green.title in results.inner_text()
    assert results.locator("mark").count() >= 1  # the words found are highlighted
    screenshot(page, "reading-search-results")

    page.goto(f"{portal_server}/bulletins/")
    page.locator("select[name=marking]").select_option(Marking.AMBER)
    filters = page.locator("form", has=page.locator("select[name=marking]"))
    filters.locator("button").first.click()
    page.wait_for_url("**/bulletins/?*marking=*")
    listing = page.locator("main").inner_text()
    assert amber.title in listing and green.title not in listing

    page.get_by_role("link", name=amber.title).first.click()
    page.emulate_media(media="print")
    assert not page.locator(".govuk-header, .govuk-template__header").first.is_visible()
    assert not page.locator(".portal-threat-level").first.is_visible()
    assert page.locator(".bulletin-marking--foot").first.is_visible()  # the marking repeats
    screenshot(page, "reading-print")
    page.emulate_media(media="screen")

    link = page.get_by_role("link", name="poster.pdf")
    response = page.request.get(portal_server + link.get_attribute("href"))
    assert response.status == 200
    assert response.body() == POSTER
    assert response.headers["content-disposition"].startswith("attachment")


def test_an_isl_types_dates_and_records_a_cascade_apart_from_acknowledging(
    portal_server, page, isl, bulletins
):
    amber, green = bulletins
    sign_in(page, portal_server, isl)

    # Dates are typed as day, month and year; a "from" after the "to" is a problem to correct.
    page.goto(f"{portal_server}/bulletins/")
    for legend, (day, month, year) in (
        ("Published from", ("1", "3", "2026")),
        ("Published to", ("1", "2", "2026")),
    ):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(month)
        group.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Filter").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "must be the same as or before the “published to” date" in summary.inner_text()
    assert summary.get_by_role("link").first.get_attribute("href") == "#id_published_from-day"
    assert page.get_by_role("group", name="Published from").get_by_label("Day").input_value() == "1"
    screenshot(page, "reading-dates-from-after-to")

    # GREEN: how many organisations in the sector; recording it does not acknowledge it.
    page.goto(f"{portal_server}{green.get_absolute_url()}")
    page.get_by_label("How many organisations in your sector did you pass it on to?").fill("4")
    page.get_by_role("button", name="Record the cascade").click()
    page.get_by_text("Recorded: you passed it on to 4 organisations.").wait_for()
    assert page.get_by_role("button", name="I have read this").is_visible()

    # AMBER: people or organisations with a need to know.
    page.goto(f"{portal_server}{amber.get_absolute_url()}")
    question = "How many people or organisations with a need to know did you share it with?"
    assert page.get_by_label(question).is_visible()
    screenshot(page, "reading-cascade-amber")
