"""Demo data: the UK threat-level history and demo bulletins, safe to load again and again.

Each date was checked against the announcements reported at the time. The day
is what the public record gives, so each change is dated from the start of its
day, UK time. Rows are recorded as corrections of history: nobody is alerted.
"""

from datetime import date, datetime, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Sector, User
from bulletins.importing import import_source
from bulletins.models import Bulletin, Marking
from bulletins.services import create_draft, publish_bulletin
from threat_levels.models import ThreatLevel, ThreatLevelChange, ThreatLevelScope
from threat_levels.services import record_threat_level

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


# --- Bulletins ------------------------------------------------------------------------------------

SAMPLE_PATH = Path(__file__).resolve().parent / "fixtures" / "cssc-update-2015-12-17.txt"
SAMPLE_PUBLISHED_AT = datetime(2015, 12, 17, 11, 0)
DEMO_AUTHOR = "ncpp.officer@example.org"
EXERCISE = "EXERCISE – "
EXERCISE_NOTE = (
    "**Exercise content.** This bulletin is fictional demo data: no real threat, place, person "
    "or organisation is described."
)

# (title, marking, sector slugs or None for all, action required, days ago or None for a draft,
#  summary, key points, body)
DEMO_BULLETINS = [
    (
        "Hostile reconnaissance at shopping centres",
        Marking.GREEN,
        ["retail", "commercial-property-and-shopping-centres"],
        True,
        3,
        "Exercise scenario: staff at a fictional shopping centre noticed repeated filming of "
        "service doors. Brief security teams on spotting and reporting hostile reconnaissance.",
        [
            "Challenge unusual interest in entrances, exits and CCTV positions politely.",
            "Record descriptions, times and vehicles; report to the Anti-Terrorist Hotline.",
            "Share this exercise with your centre managers and confirm you have done so.",
        ],
        "## What happened in the scenario\n\nOver three days, the same two fictional visitors "
        "photographed loading bays at Exampleton Centre.\n\n## What to do\n\n- Brief staff on "
        "the signs of hostile reconnaissance\n- Make sure reports reach the control room",
    ),
    (
        "Vehicle barriers for outdoor events this summer",
        Marking.AMBER,
        ["entertainment-and-events", "sports-grounds-and-stadiums"],
        False,
        10,
        "Exercise scenario: planning guidance on hostile vehicle mitigation for fictional "
        "outdoor events. Not for onward sharing beyond event organisers.",
        [
            "Review vehicle approach routes in the event plan.",
            "Agree road closures with the local authority early.",
        ],
        "## Planning\n\nUse temporary barriers rated for the expected vehicle speeds at "
        "Exampleton Park (a fictional venue).",
    ),
    (
        "Suspicious items on the rail network: reporting drill",
        Marking.AMBER_STRICT,
        ["transport"],
        True,
        20,
        "Exercise scenario: a fictional drill for rail operators on the HOT principles for "
        "unattended items. Share within your own organisation only.",
        [
            "Hidden? Obviously suspicious? Typical of the area? Apply HOT to every item.",
            "Confirm your staff took part in the drill.",
        ],
        "## The drill\n\nA fictional operator, Example Rail, ran the drill at three stations.",
    ),
    (
        "Insider threat case study for financial services",
        Marking.RED,
        ["finance"],
        False,
        35,
        "Exercise scenario: a fictional case study of an insider who mapped a trading floor's "
        "security. For the named recipients only.",
        ["Review access rights of leavers on their last day."],
        "## The case\n\nEverything in this case study is invented for the exercise.",
    ),
    (
        "Festive season protective security reminder",
        Marking.CLEAR,
        None,
        False,
        None,
        "Exercise scenario: a draft reminder, not yet published, about busy festive venues.",
        ["Brief seasonal staff on Run, Hide, Tell."],
        "## Draft\n\nStill being written: only NCPP staff can see it.",
    ),
]


def seed_bulletins() -> int:
    """The sample update as published on 17 December 2015, and a few exercise bulletins.

    Safe to run again: a bulletin whose title is already there is left alone. Returns how
    many bulletins were added. Nobody is alerted.
    """
    author = User.objects.filter(email=DEMO_AUTHOR).first()
    if author is None:
        return 0
    added = 0
    draft = import_source(text=SAMPLE_PATH.read_text(encoding="utf-8")).draft
    if not Bulletin.objects.filter(title=draft.title).exists():
        bulletin = create_draft(
            author=author,
            title=draft.title,
            summary=draft.summary,
            source_line=draft.source_line,
            key_points=draft.key_points,
            body=draft.body,
            marking=Marking.CLEAR,
            all_sectors=True,
        )
        publish_bulletin(
            bulletin,
            publisher=author,
            send_alert=False,
            published_at=timezone.make_aware(SAMPLE_PUBLISHED_AT),
        )
        added += 1

    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    for title, marking, slugs, action, days_ago, summary, key_points, body in DEMO_BULLETINS:
        title = EXERCISE + title
        if Bulletin.objects.filter(title=title).exists():
            continue
        bulletin = create_draft(
            author=author,
            title=title,
            summary=summary,
            key_points=key_points,
            body=f"{EXERCISE_NOTE}\n\n{body}",
            source_line="Update from the NCPP office (exercise)",
            marking=marking,
            all_sectors=slugs is None,
            sectors=[sectors[slug] for slug in slugs or [] if slug in sectors],
            action_required=action,
        )
        if days_ago is not None:
            publish_bulletin(
                bulletin,
                publisher=author,
                send_alert=False,
                published_at=timezone.now() - timedelta(days=days_ago),
            )
        added += 1
    return added
