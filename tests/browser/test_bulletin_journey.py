from pathlib import Path

import pytest

from accounts.models import Membership
from alerts.models import Alert
from bulletins.models import Bulletin, Reading
from tests.browser.conftest import screenshot, sign_in
from tests.factories import MembershipFactory, SectorFactory
from tests.helpers import PDF_BYTES, make_person

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SAMPLE = Path(__file__).resolve().parents[2] / "demo" / "fixtures" / "cssc-update-2015-12-17.txt"
TITLE = "CSSC Counter Terrorism Protective Sercurity Update"


def test_an_officer_pastes_previews_and_publishes_and_an_isl_acknowledges(
    portal_server, browser, page, open_page, ncpp_officer, isl, other_isl, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "attachments"
    """Published to retail and transport: the retail ISL reads and acknowledges it; an ISL of
    a third sector finds it nowhere (dashboard, list, search, its address, its files)."""
    finance = SectorFactory(name="Finance", slug="finance")
    outsider_isl = make_person("isl.finance@example.org", "Finance lead")
    MembershipFactory(user=outsider_isl, sector=finance, role=Membership.Role.LEAD)

    sign_in(page, portal_server, ncpp_officer)
    page.goto(f"{portal_server}/bulletins/paste/")
    page.get_by_label("Paste the update").fill(SAMPLE.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Make a draft from it").click()

    assert page.get_by_label("Title").input_value() == TITLE
    assert len(page.get_by_label("Key points").input_value().splitlines()) == 7
    # Nothing is chosen for the writer; the sectors show only once "Chosen sectors only" is.
    assert not page.locator("input[name=marking]:checked").count()
    assert not page.get_by_label("Retail").is_visible()
    page.get_by_label("TLP:CLEAR").check()
    page.get_by_label("Chosen sectors only").check()
    page.get_by_label("Retail").check()
    page.get_by_label("Transport").check()
    # The file goes in the same form as the text: one save keeps both.
    page.get_by_label("Attach a file").set_input_files(
        files=[{"name": "site-plan.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    screenshot(page, "bulletin-pasted-draft")
    page.get_by_role("button", name="Save the draft").click()
    assert page.get_by_text("The draft is saved, with site-plan.pdf attached.").is_visible()
    assert page.get_by_role("link", name="site-plan.pdf").is_visible()

    page.get_by_role("link", name="Preview").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert page.locator(".bulletin-marking--clear").first.is_visible()
    screenshot(page, "bulletin-preview")
    page.get_by_role("link", name="publish it").click()

    assert "2 people will be emailed" in page.locator("#audience-size").inner_text()
    page.get_by_label("Publish and email everyone it is for").check()
    page.get_by_label("I have checked the marking and the audience").check()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("is published").first.wait_for()
    bulletin = Bulletin.objects.get(title=TITLE)
    assert bulletin.status == Bulletin.Status.PUBLISHED
    assert Alert.objects.filter(bulletin=bulletin).count() == 1

    reader = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    try:
        sign_in(reader, portal_server, isl)
        reader.goto(f"{portal_server}/")
        reader.locator(".dashboard-unread").get_by_role("link", name=TITLE, exact=False).click()
        assert reader.get_by_role("heading", level=1).inner_text() == TITLE
        assert reader.get_by_text("TLP:CLEAR").first.is_visible()
        reader.get_by_role("button", name="I have read this").click()
        reader.get_by_text("You have acknowledged").first.wait_for()
        screenshot(reader, "bulletin-acknowledged")
    finally:
        reader.context.close()
    reading = Reading.objects.get(bulletin=bulletin, user=isl)
    assert reading.acknowledged_at is not None

    third = open_page()
    sign_in(third, portal_server, outsider_isl)
    assert TITLE not in third.locator("main").inner_text()
    third.goto(f"{portal_server}/bulletins/")
    assert TITLE not in third.locator("main").inner_text()
    third.goto(f"{portal_server}/bulletins/search/?q=CSSC")
    assert TITLE not in third.locator("main").inner_text()
    # Its address answers "page not found" (fetched, not opened: the console would log the 404).
    assert third.request.get(f"{portal_server}/bulletins/{bulletin.pk}/").status == 404
    screenshot(third, "bulletin-third-sector-search")
