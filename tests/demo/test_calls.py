"""The demo's bridge call: seeded once, through the service, with nobody emailed."""

import pytest

from accounts.models import AuditEvent, User
from alerts.models import Alert
from calls.models import Call
from calls.permissions import visible_calls
from demo.calls import DEMO_CALL_TITLE, seed_calls
from demo.people import seed_demo

pytestmark = pytest.mark.django_db


def test_seeding_adds_one_call_for_every_sector_once_and_emails_nobody():
    seed_demo()

    assert seed_calls() == 1
    assert seed_calls() == 0

    call = Call.objects.get()
    assert call.title == DEMO_CALL_TITLE and call.all_sectors and not call.has_started
    assert not Alert.objects.exists()
    assert AuditEvent.objects.get(action="call.scheduled").changes["invited"] is False
    lead = User.objects.get(email="isl.retail@example.org")
    assert list(visible_calls(lead)) == [call]
