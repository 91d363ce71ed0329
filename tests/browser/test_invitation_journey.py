import pytest

from accounts.invitations import SectorRole, create_invitation
from accounts.models import Invitation, Membership, User
from tests.browser.conftest import screenshot
from tests.helpers import link_in, totp_code

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.usefixtures("tasks_in_process"),
]


def test_an_invited_isl_sets_a_password_and_totp_and_lands_on_the_dashboard(
    portal_server, page, portal_admin, retail, mailoutbox, settings
):
    settings.PORTAL_BASE_URL = portal_server
    create_invitation(
        email="invited.lead@example.org",
        name="Invited lead",
        kind=Invitation.Kind.ISL,
        invited_by=portal_admin,
        sectors=[SectorRole(retail, Membership.Role.LEAD)],
    )
    link = link_in(mailoutbox[-1], portal_server)

    page.goto(link)
    page.get_by_label("Your full name").fill("Invited lead")
    page.get_by_label("Choose a password").fill("a long enough pass phrase")
    page.get_by_label("Type the password again").fill("a long enough pass phrase")
    page.get_by_role("button", name="Set password and continue").click()

    page.wait_for_url("**/accounts/2fa/totp/activate/")
    screenshot(page, "invitation-totp-set-up")
    # No second password prompt, no sign-in code by email, and nowhere else to go but sign out.
    assert page.get_by_label("Password").count() == 0
    assert page.get_by_text("sign-in code").count() == 0
    menu = page.get_by_role("navigation", name="Menu")
    assert menu.get_by_role("link").count() == 0
    assert menu.get_by_role("button", name="Sign out").is_visible()
    # The setup key is text to read and copy, beside the QR code.
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()
    secret = page.locator("#authenticator_secret").inner_text()
    assert page.locator("#authenticator_secret").evaluate("element => element.tagName") == "P"
    page.get_by_label("Code from your authenticator app").fill(totp_code(secret))
    page.get_by_role("button", name="Continue").click()

    # Recovery codes are shown once; then on to the dashboard.
    page.get_by_role("link", name="Continue to your dashboard").click()
    page.wait_for_url(f"{portal_server}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    screenshot(page, "invitation-dashboard")
    user = User.objects.get(email="invited.lead@example.org")
    assert user.memberships.get().role == Membership.Role.LEAD
