"""A lead adds a contact, cascades a TLP:GREEN bulletin to it after seeing the email, and NCPP
staff see the reach; an AMBER bulletin offers no cascade and says why. In a real browser."""

import pytest

from alerts.models import Alert
from bulletins.models import Marking
from cascades.models import Cascade, Contact
from tests.browser.conftest import sign_in
from tests.helpers import make_bulletin

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_lead_cascades_a_green_bulletin_and_staff_see_its_reach(
    portal_server, page, open_page, ncpp_officer, isl, retail, severe, mailoutbox, tasks_in_process
):
    green = make_bulletin(
        ncpp_officer, title="Festive season vigilance", marking=Marking.GREEN, sectors=[retail]
    )
    amber = make_bulletin(
        ncpp_officer, title="Site-specific advice", marking=Marking.AMBER, sectors=[retail]
    )
    sign_in(page, portal_server, isl)
    page.get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="Retail", exact=True).click()
    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Organisation").fill("High Street Traders Ltd")
    page.get_by_label("Contact name").fill("Security manager")
    page.get_by_label("Email address").fill("security@traders.example.org")
    page.get_by_label("Phone number (optional)").fill("020 7946 0000")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("High Street Traders Ltd added.").wait_for()
    assert Contact.objects.get().sector == retail

    page.goto(f"{portal_server}{amber.get_absolute_url()}")
    assert page.get_by_text("cannot be cascaded to your sector's organisations").is_visible()
    assert not page.get_by_role("link", name="Cascade to Retail's organisations").count()

    page.goto(f"{portal_server}{green.get_absolute_url()}")
    page.get_by_role("link", name="Cascade to Retail's organisations").click()
    page.get_by_label("All of them").check()
    page.get_by_role("button", name="Check what will be sent").click()
    page.get_by_role("heading", name="Check what will be sent").wait_for()
    assert "Limited disclosure" in page.locator("#email-text").inner_text()
    assert not Cascade.objects.exists()
    page.get_by_role("button", name="Send it to 1 organisation").click()
    page.get_by_text("Sending it to 1 organisation of Retail").wait_for()

    # The worker's part ran in the portal's own process (tasks_in_process), as on the
    # embedded default: never on the session's shared worker, whose mail this test cannot read.
    assert Alert.objects.get(kind=Alert.Kind.BULLETIN_CASCADE).fanned_out_at is not None
    (message,) = mailoutbox
    assert message.to == ["security@traders.example.org"]
    assert message.extra_headers["Reply-To"].endswith(f"<{isl.email}>")

    staff = open_page()
    sign_in(staff, portal_server, ncpp_officer)
    staff.goto(f"{portal_server}{green.get_absolute_url()}")
    staff.get_by_role("link", name="Who read it").click()
    staff.get_by_role("link", name="Reach by sector").click()
    row = staff.locator("#reach tbody tr", has_text="Retail")
    assert row.locator("td").nth(4).inner_text() == "1"  # organisations delivered
