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
