"""Demo data: the published history of the UK threat levels, safe to load again and again.

Each date was checked against the announcements reported at the time. The day
is what the public record gives, so each change is dated from the start of its
day, UK time. Rows are recorded as corrections of history: nobody is alerted.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ThreatLevel, ThreatLevelChange, ThreatLevelScope
from .services import record_threat_level

NATIONAL = "national"
NORTHERN_IRELAND = "northern-ireland"

# (scope, date, level, note)
HISTORY = [
    (NATIONAL, date(2006, 8, 1), ThreatLevel.SEVERE,
     "The threat level from international terrorism is published for the first time."),
    (NATIONAL, date(2006, 8, 10), ThreatLevel.CRITICAL,
     "Raised as police disrupted a plot to bomb transatlantic airliners with liquid explosives."),
    (NATIONAL, date(2006, 8, 14), ThreatLevel.SEVERE,
     "Lowered after arrests in the airline plot investigation."),
    (NATIONAL, date(2007, 6, 30), ThreatLevel.CRITICAL,
     "Raised after the attack on Glasgow Airport, a day after car bombs were found in London."),
    (NATIONAL, date(2007, 7, 4), ThreatLevel.SEVERE,
     "Lowered as the investigation into the London and Glasgow attacks progressed."),
    (NATIONAL, date(2009, 7, 20), ThreatLevel.SUBSTANTIAL,
     "Lowered by JTAC; the threat remains real and serious, and the public should stay vigilant."),
    (NATIONAL, date(2010, 1, 22), ThreatLevel.SEVERE,
     "Raised by JTAC; there is no intelligence to suggest that an attack is imminent."),
    (NATIONAL, date(2011, 7, 11), ThreatLevel.SUBSTANTIAL,
     "Lowered by JTAC; an attack remains a strong possibility and might occur without warning."),
    (NATIONAL, date(2014, 8, 29), ThreatLevel.SEVERE,
     "Raised over developments in Syria and Iraq, where groups plan attacks against the West."),
    (NATIONAL, date(2017, 5, 23), ThreatLevel.CRITICAL,
     "Raised after the bombing at Manchester Arena the night before."),
    (NATIONAL, date(2017, 5, 27), ThreatLevel.SEVERE,
     "Lowered after arrests in the Manchester Arena investigation."),
    (NATIONAL, date(2017, 9, 15), ThreatLevel.CRITICAL,
     "Raised after the bomb on a District line train at Parsons Green."),
    (NATIONAL, date(2017, 9, 17), ThreatLevel.SEVERE,
     "Lowered after good progress in the Parsons Green investigation."),
    (NATIONAL, date(2019, 11, 4), ThreatLevel.SUBSTANTIAL,
     "Lowered for the first time since August 2014; the level now covers all forms of terrorism."),
    (NATIONAL, date(2020, 11, 3), ThreatLevel.SEVERE,
     "Raised as a precaution after attacks in France and Austria; not based on a specific threat."),
    (NATIONAL, date(2021, 2, 8), ThreatLevel.SUBSTANTIAL,
     "Lowered after a significant reduction in the momentum of attacks in Europe."),
    (NATIONAL, date(2021, 11, 15), ThreatLevel.SEVERE,
     "Raised after the explosion at Liverpool Women's Hospital, the second attack in a month."),
    (NATIONAL, date(2022, 2, 9), ThreatLevel.SUBSTANTIAL,
     "Lowered by JTAC; an attack remains likely and the public should stay vigilant."),
    (NATIONAL, date(2026, 4, 30), ThreatLevel.SEVERE,
     "Raised after the Golders Green stabbings and a rise in Islamist and far-right threats."),
    (NORTHERN_IRELAND, date(2010, 9, 24), ThreatLevel.SEVERE,
     "The Northern Ireland-related threat level is published for the first time."),
    (NORTHERN_IRELAND, date(2022, 3, 22), ThreatLevel.SUBSTANTIAL,
     "Lowered for the first time since the level was first published in 2010."),
    (NORTHERN_IRELAND, date(2023, 3, 28), ThreatLevel.SEVERE,
     "Raised after more dissident republican activity, including the shooting of a detective."),
    (NORTHERN_IRELAND, date(2024, 3, 6), ThreatLevel.SUBSTANTIAL,
     "Lowered by MI5; a small group still aims to destabilise the settlement by terrorism."),
]  # fmt: skip


@transaction.atomic
def seed_threat_levels() -> int:
    """Load the published history of both default scopes; return how many changes were added."""
    scopes = {scope.slug: scope for scope in ThreatLevelScope.objects.all()}
    added = 0
    for slug, day, level, note in HISTORY:
        scope = scopes[slug]
        effective_at = timezone.make_aware(datetime(day.year, day.month, day.day))
        if ThreatLevelChange.objects.filter(scope=scope, effective_at=effective_at).exists():
            continue
        try:
            record_threat_level(
                scope=scope,
                level=level,
                effective_at=effective_at,
                note=note,
                recorded_by=None,
                send_alert=False,
            )
        except ValidationError:
            # Someone recorded a conflicting change by hand; theirs stands.
            continue
        added += 1
    return added
