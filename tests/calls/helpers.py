"""Helpers of the bridge-call tests."""

from datetime import timedelta

from django.utils import timezone

from calls.services import schedule_call

# Joining details that must never leave the call's page.
DIAL_IN = "0800 555 0199"
CONFERENCE_ID = "73104482"
PIN = "99314517"
MEETING_LINK = "https://meet.example.org/secret-room-7731"
JOINING_DETAILS = (DIAL_IN, CONFERENCE_ID, PIN, MEETING_LINK, "secret-room-7731")


def make_call(convener, *, starts_at=None, sectors=(), all_sectors=False, **fields):
    """A call scheduled through the service, with every kind of joining detail."""
    fields = {
        "title": "National Bridge Call: festive period",
        "duration_minutes": 45,
        "agenda": "## Protective security over the festive period\n\nFull agenda here.",
        "dial_in": DIAL_IN,
        "conference_id": CONFERENCE_ID,
        "pin": PIN,
        "meeting_link": MEETING_LINK,
        **fields,
    }
    return schedule_call(
        convener=convener,
        starts_at=starts_at or timezone.now() + timedelta(days=2),
        all_sectors=all_sectors,
        sectors=list(sectors),
        **fields,
    )
