"""The accessibility sweep: WCAG 2.2 AA, as the UK public sector must meet.

Every page type is checked three ways, in a real browser with the production CSP:
- axe-core finds no serious or critical violation;
- at 320 CSS pixels wide (WCAG 1.4.10 Reflow) nothing scrolls sideways;
- at 200% zoom (WCAG 1.4.4 Resize text) nothing scrolls sideways either. Browser zoom on a
  1280-pixel window lays the page out in 640 CSS pixels, each drawn with 2 device pixels, and
  media queries see 640: so a viewport of 640 with device_scale_factor 2 *is* 200% zoom of a
  common laptop window, where CSS `zoom` would leave media queries at full width.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership
from alerts.models import Alert
from bulletins.attachments import PDF
from bulletins.models import Bulletin, Marking
from bulletins.services import add_attachment, amend_bulletin
from tests.browser.conftest import axe_violations, horizontal_overflow, screenshot, sign_in
from tests.factories import MembershipFactory
from tests.helpers import make_bulletin, make_contacts, make_person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.usefixtures("tasks_in_process"),
]

# Pages that still scroll sideways at 320 px (they pass at 200% zoom): left for a template fix,
# listed so the sweep stays honest about them. Remove an entry once its page reflows.

ZOOM_200 = {"viewport": {"width": 640, "height": 800}, "device_scale_factor": 2}


@pytest.fixture
def content(ncpp_officer, retail, settings, tmp_path, severe):
    """A level in force, a published bulletin for retail with a file, a draft, an alert."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "attachments"
    published = make_bulletin(
        ncpp_officer,
        title="Hostile reconnaissance at shopping centres",
        summary="What to look for, and whom to call.",
        body="## What to look for\n\nPeople taking an unusual interest in **security**.",
        key_points=["Report to 0800 789 321", "In an emergency call 999"],
        marking=Marking.AMBER,
        sectors=[retail],
        action_required=True,
        send_alert=True,
    )
    add_attachment(
        published,
        SimpleUploadedFile("poster.pdf", b"%PDF-1.4\n%%EOF\n"),
        PDF,
        uploaded_by=ncpp_officer,
    )
    pending = make_bulletin(
        ncpp_officer,
        title="Crowded places guidance",
        summary="Updated guidance.",
        status=Bulletin.Status.DRAFT,
        all_sectors=True,
    )
    return {"published": published, "draft": pending, "alert": Alert.objects.latest("pk")}


def sweep(open_page, portal_server: str, person, paths: dict[str, str], *, totp=True) -> None:
    """Visit each page as `person` (None: nobody signed in): axe at desktop width, then
    reflow at 200% zoom and at 320 px."""
    problems: list[str] = []
    desktop = open_page()
    if person is not None:
        sign_in(desktop, portal_server, person, totp=totp)
    zoomed = open_page(**ZOOM_200, storage_state=desktop.context.storage_state())
    for name, path in paths.items():
        desktop.goto(portal_server + path)
        problems += axe_violations(desktop)
        screenshot(desktop, f"a11y-{name}")
        zoomed.set_viewport_size(ZOOM_200["viewport"])
        zoomed.goto(portal_server + path)
        if overflow := horizontal_overflow(zoomed):
            problems.append(f"{path} at 200% zoom: {overflow}")
        zoomed.set_viewport_size({"width": 320, "height": 640})
        if overflow := horizontal_overflow(zoomed):
            problems.append(f"{path} at 320px wide: {overflow}")
    assert not problems, "Accessibility problems:\n" + "\n".join(problems)


def test_public_pages_sign_in_and_mfa_set_up_are_accessible(open_page, portal_server, retail):
    sweep(
        open_page,
        portal_server,
        None,
        {
            "public-home": "/",
            "sign-in": "/accounts/login/",
            "public-history": "/threat-level/",
            "accessibility-statement": "/accessibility/",
            "privacy": "/privacy/",
            "cookies": "/cookies/",
            "contact": "/contact/",
        },
    )

    # Someone with a password but no authenticator yet meets the set-up page first.
    newcomer = make_person("newcomer@example.org", "Newcomer", second_factor=False)
    MembershipFactory(user=newcomer, sector=retail, role=Membership.Role.MEMBER)
    sweep(
        open_page,
        portal_server,
        newcomer,
        {"mfa-set-up": "/accounts/2fa/totp/activate/"},
        totp=False,
    )


def test_an_isls_pages_are_accessible(open_page, portal_server, isl, content):
    bulletin = content["published"]
    sweep(
        open_page,
        portal_server,
        isl,
        {
            "dashboard": "/",
            "list": "/bulletins/",
            "search-results": "/bulletins/search/?q=reconnaissance",
            "detail": f"/bulletins/{bulletin.pk}/",
            "profile": "/profile/",
            "second-factor": "/accounts/2fa/",
            "sessions": "/accounts/sessions/",
            "change-password": "/accounts/password/change/",
            "change-email": "/accounts/email/",
        },
    )


def test_ncpp_staff_pages_are_accessible(open_page, portal_server, ncpp_officer, content):
    assert content["draft"].status == Bulletin.Status.DRAFT
    published = content["published"]
    amend_bulletin(
        published, what_changed="Added a number.", realert=False, actor=ncpp_officer,
        body=published.body + "\n\nOr call 101 if it is not an emergency.",
        summary="What to look for, and whom to call at once.",
    )  # fmt: skip
    sweep(
        open_page,
        portal_server,
        ncpp_officer,
        {
            "dashboard-staff": "/",
            "revisions": f"/bulletins/{published.pk}/revisions/",
            "compose": "/bulletins/new/",
            "paste": "/bulletins/paste/",
            "confirmation": f"/bulletins/{content['draft'].pk}/publish/",
            "threat-level-history": "/threat-level/",
            "threat-level-record": "/threat-level/record/",
            "delivery-report": f"/alerts/{content['alert'].pk}/",
            "readership": f"/bulletins/{content['published'].pk}/readership/",
            "reach": f"/cascades/bulletins/{content['published'].pk}/reach/",
        },
    )


def test_a_sector_leads_contact_and_cascade_pages_are_accessible(
    open_page, portal_server, isl, retail, ncpp_officer
):
    contacts = make_contacts(retail, 3)
    bulletin = make_bulletin(
        ncpp_officer, title="Advice for retail venues", marking=Marking.GREEN, sectors=[retail]
    )
    sweep(
        open_page,
        portal_server,
        isl,
        {
            "contact-sectors": "/cascades/contacts/",
            "contact-list": "/cascades/contacts/retail/",
            "contact-new": "/cascades/contacts/retail/new/",
            "contact-edit": f"/cascades/contacts/retail/{contacts[0].pk}/",
            "contact-import": "/cascades/contacts/retail/import/",
            "cascade": f"/cascades/bulletins/{bulletin.pk}/cascade/retail/",
        },
    )


def test_portal_admin_pages_are_accessible(open_page, portal_server, portal_admin, isl):
    sweep(
        open_page,
        portal_server,
        portal_admin,
        {
            "dashboard-admin": "/",
            "admin-membership": "/manage/sectors/retail/",
            "admin-sector-new": "/manage/sectors/new/",
            "admin-sector-rename": "/manage/sectors/retail/rename/",
            "admin-people": "/manage/people/",
            "admin-invitation": "/manage/invitations/new/",
            "admin-import": "/manage/import/",
            "audit-log": "/manage/audit/",
        },
    )
