"""The bridge-call pages meet WCAG 2.2 AA as every other page does (the sweep of
tests/browser/test_accessibility.py: axe-core, 200% zoom and 320 px reflow)."""

import pytest

from accounts.models import Membership
from calls.models import Attendance
from calls.services import answer_call
from tests.browser.test_accessibility import sweep
from tests.calls.helpers import make_call
from tests.factories import MembershipFactory
from tests.helpers import make_person

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_call_pages_are_accessible_to_isls_and_staff(
    open_page, portal_server, isl, other_isl, ncpp_officer, retail
):
    retail_deputy = make_person("deputy.retail@example.org", "Retail deputy")
    MembershipFactory(user=retail_deputy, sector=retail, role=Membership.Role.DEPUTY)
    call = make_call(ncpp_officer, all_sectors=True)
    answer_call(call, isl, answer=Attendance.Answer.DEPUTY, deputy=retail_deputy)
    sweep(
        open_page,
        portal_server,
        isl,
        {
            "calls": "/calls/",
            "call": f"/calls/{call.pk}/",
            "calendar": "/calls/calendar/",
        },
    )
    sweep(
        open_page,
        portal_server,
        ncpp_officer,
        {
            "call-staff": f"/calls/{call.pk}/",
            "call-schedule": "/calls/new/",
            "call-convene": "/calls/convene/",
            "call-change": f"/calls/{call.pk}/edit/",
            "call-cancel": f"/calls/{call.pk}/cancel/",
            "call-attendance": f"/calls/{call.pk}/attendance/",
        },
    )
