"""Alert emails read on a phone: the HTML part fits a 320 px wide mail client."""

import pytest

from alerts.messages import render_alert
from alerts.models import Alert
from bulletins.models import Marking
from tests.helpers import make_bulletin

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


@pytest.mark.parametrize("marking", [Marking.GREEN, Marking.RED], ids=["green", "red"])
def test_a_bulletin_email_fits_a_320px_wide_client(browser, ncpp_officer, marking):
    bulletin = make_bulletin(
        ncpp_officer, marking=marking, all_sectors=True, send_alert=True,
        title="Stadium" + "x" * 80 + " stewards",  # one word longer than the screen
        summary="Stewards should report anything unusual at once. " * 4,
        key_points=["Call 999 in an emergency", "Use the Anti-Terrorist Hotline: 0800 789 321"],
    )  # fmt: skip
    html = render_alert(bulletin.alerts.get(kind=Alert.Kind.BULLETIN_PUBLISHED)).html
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()

    page.set_content(html)

    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    context.close()
    assert overflow <= 1, f"The email scrolls sideways by {overflow}px at 320 px"
