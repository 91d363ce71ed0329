import pytest

from tests.browser.conftest import screenshot, sign_in
from threat_levels.models import ThreatLevelChange

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.usefixtures("tasks_in_process"),
]


def banner(page) -> str:
    return page.locator(".portal-threat-level").inner_text()


def test_an_officer_records_a_change_and_the_banner_changes_for_everyone(
    portal_server, page, open_page, ncpp_officer, isl, severe
):
    reader = open_page()
    sign_in(reader, portal_server, isl)
    assert "SEVERE" in banner(reader)
    visitor = open_page()
    visitor.goto(f"{portal_server}/")
    assert "SEVERE" in banner(visitor)

    sign_in(page, portal_server, ncpp_officer)
    page.goto(f"{portal_server}/threat-level/record/")
    page.locator(f"input[name=scope][value='{severe.scope_id}']").check()
    page.locator("input[name=level][value=SUBSTANTIAL]").check()
    page.locator("textarea[name=note]").fill("Lowered after review by JTAC.")
    page.get_by_role("button", name="Continue").click()
    page.locator("input[name=confirmation]").fill("SUBSTANTIAL")
    screenshot(page, "threat-level-confirm")
    page.get_by_role("button", name="Record the change and email everyone").click()
    page.wait_for_url(f"{portal_server}/threat-level/**")
    assert ThreatLevelChange.objects.filter(level="SUBSTANTIAL").count() == 1

    # The next page anyone opens shows the new level: the officer, an ISL, a visitor.
    for person in (page, reader, visitor):
        person.goto(f"{portal_server}/")
        assert "SUBSTANTIAL" in banner(person)
        assert "SEVERE" not in banner(person)
    screenshot(reader, "threat-level-banner-changed")
