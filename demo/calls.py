"""The demo's bridge call: one exercise call next week, for all sectors, seeded through the
calls app's service with no invitations sent. Safe to run again."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from calls.models import Call
from calls.services import schedule_call

DEMO_CALL_TITLE = "Exercise: National Bridge Call, protective security over the festive period"
DEMO_CONVENER = "ncpp.officer@example.org"
# Ofcom keeps 01632 960000 to 960999 for drama: never a real line.
DEMO_DIAL_IN = "01632 960123"


def next_tuesday_at_ten() -> datetime:
    today = timezone.localdate()
    day = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def seed_calls() -> int:
    """How many calls were added (0 or 1)."""
    convener = User.objects.filter(email=DEMO_CONVENER).first()
    if convener is None or Call.objects.filter(title=DEMO_CALL_TITLE).exists():
        return 0
    schedule_call(
        convener=convener,
        title=DEMO_CALL_TITLE,
        starts_at=next_tuesday_at_ten(),
        duration_minutes=45,
        all_sectors=True,
        agenda="Protective security over the festive period\n\n"
        "- The national threat level and what it means for crowded places\n"
        "- Hostile reconnaissance: what to look for\n"
        "- Questions from the sectors",
        dial_in=DEMO_DIAL_IN,
        conference_id="400 123",
        pin="0000",
        invite=False,
    )
    return 1
