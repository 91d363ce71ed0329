"""Nothing lost silently: every fact of the source (phone numbers, figures, dates, links, email
addresses, places, threat levels) is found in the draft or listed as left out with the reason,
and text that looks run together (";6th December 2015") is flagged for the officer."""

import re
from dataclasses import dataclass

from .cleaning import Cleaned
from .draft import Draft
from .structure import Block, Deadline, Dropped

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
PATTERNS: list[tuple[str, re.Pattern]] = [
    (
        "link",
        re.compile(
            r"\bhttps?://[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?]|\bwww\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s<>()\[\]\"']*[^\s<>()\[\]\"'.,;:!?])?",
            re.I,
        ),
    ),  # noqa: E501
    ("email address", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    (
        "date",
        re.compile(
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\.?,?\s+\d{{4}}\b"
            rf"|\b{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
            r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b",
            re.I,
        ),
    ),
    (
        "phone number",
        re.compile(
            r"(?<![\d/])(?:\+44\s?\(?0?\)?\s?\d{2,4}|\(?0\d{2,4}\)?)[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\d/])"
            r"|(?<![\d,.£/])\b(?:999|101|111)\b(?![\d,.%/])"
        ),
    ),
    (
        "figure",
        re.compile(
            r"£\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|m|bn)\b)?|\b\d[\d,]*(?:\.\d+)?\s?%|(?<![\d£/.:,-])\b(?:\d{1,3}(?:,\d{3})+|\d{2,})\b(?![\d/:%]|[.,]\d)"
        ),
    ),  # noqa: E501
    ("threat level", re.compile(r"\b(?:LOW|MODERATE|SUBSTANTIAL|SEVERE|CRITICAL)\b")),
]
# Places named in this kind of update: the nations, regions and larger towns of the UK, and
# the cities abroad whose attacks UK updates refer to. Matched as whole words.
PLACES = [
    "United Kingdom",
    "UK",
    "Great Britain",
    "England",
    "Scotland",
    "Wales",
    "Northern Ireland",
    "Ireland",
    "London",
    "Birmingham",
    "Manchester",
    "Liverpool",
    "Leeds",
    "Sheffield",
    "Bristol",
    "Newcastle",
    "Nottingham",
    "Leicester",
    "Coventry",
    "Bradford",
    "Cardiff",
    "Swansea",
    "Edinburgh",
    "Glasgow",
    "Aberdeen",
    "Dundee",
    "Inverness",
    "Belfast",
    "Derry",
    "Londonderry",
    "Southampton",
    "Portsmouth",
    "Plymouth",
    "Brighton",
    "Reading",
    "Oxford",
    "Cambridge",
    "York",
    "Hull",
    "Exeter",
    "Norwich",
    "Ipswich",
    "Dover",
    "Heathrow",
    "Gatwick",
    "Stansted",
    "Westminster",
    "Lambeth",
    "Southwark",
    "Camden",
    "Croydon",
    "Stratford",
    "Wembley",
    "Salisbury",
    "Canterbury",
    "Chester",
    "Preston",
    "Blackpool",
    "Stoke",
    "Derby",
    "Luton",
    "Milton Keynes",
    "Northampton",
    "Peterborough",
    "Sunderland",
    "Middlesbrough",
    "Wolverhampton",
    "Yorkshire",
    "Lancashire",
    "Kent",
    "Essex",
    "Surrey",
    "Sussex",
    "Devon",
    "Cornwall",
    "Merseyside",
    "Cumbria",
    "Midlands",
    "West Midlands",
    "East Midlands",
    "North West",
    "North East",
    "South West",
    "South East",
    "East of England",
    "Home Counties",
    "Paris",
    "Brussels",
    "Berlin",
    "Nice",
    "Barcelona",
    "Madrid",
    "Stockholm",
    "Vienna",
    "Amsterdam",
    "Dublin",
    "Europe",
]
PLACE = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in sorted(PLACES, key=len, reverse=True)) + r")\b"
)
# Text run together: a clause's end followed at once by more text (";6th December 2015",
# "safe.Police"). Not a web address, an email address, a number or an abbreviation.
RUN_TOGETHER = re.compile(r"(?<=[a-z\)])(?:[;!?]|\.(?=[A-Z][a-z]))(?=[A-Za-z0-9])")
WORD_AT = re.compile(r"\S+")


@dataclass
class Fact:
    kind: str
    value: str
    reason: str = ""  # empty when the fact is in the draft
    context: str = ""


@dataclass
class Fragment:
    text: str
    where: str


def draft_text(draft: Draft) -> str:
    return "\n".join([draft.title, draft.source_line, draft.summary, *draft.key_points, draft.body])


def check_facts(
    blocks: list[Block], cleaned: Cleaned, draft: Draft, deadline: Deadline
) -> list[Fact]:
    """Each distinct fact of the source, with the reason it is left out when not in the draft."""
    kept = _comparable(_unescape(draft_text(draft)))
    found: dict[tuple[str, str], Fact] = {}
    for block in blocks:
        deadline.check()
        for kind, value, context in _facts_in(block.all_text):
            key = (kind, _comparable(value))
            if key in found:
                continue
            fact = Fact(kind, value, context=context)
            if key[1] not in kept:
                fact.reason = _why_left_out(value, cleaned.dropped)
            found[key] = fact
    return list(found.values())


def _facts_in(text: str):
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and end > t_start for t_start, t_end in taken):
                continue
            taken.append((start, end))
            yield kind, match.group(0).strip(), _context(text, start, end)
    for match in PLACE.finditer(text):
        start, end = match.span()
        if not any(start < t_end and end > t_start for t_start, t_end in taken):
            yield "place", match.group(0), _context(text, start, end)


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - 40) : start].split("\n")[-1]
    after = text[end : end + 40].split("\n")[0]
    opening = "…" if start > 40 else ""
    ending = "…" if end + 40 < len(text) else ""
    return f"{opening}{before}{text[start:end]}{after}{ending}"


def _comparable(text: str) -> str:
    """Digits of phone numbers and spacing do not decide whether a fact is there."""
    text = text.casefold().replace("\u2019", "'")
    return re.sub(r"(?<=\d)[\s-](?=\d)", "", re.sub(r"\s+", " ", text))


def _unescape(markdown: str) -> str:
    return re.sub(r"\\([\\`*_\[\]<>#.+-])", r"\1", markdown)


def _why_left_out(value: str, dropped: list[Dropped]) -> str:
    wanted = _comparable(value)
    for item in dropped:
        if wanted in _comparable(item.text):
            return f"it was in {item.reason}"
    return "it is not in the proposed draft"


def run_together(draft: Draft) -> list[Fragment]:
    """Places in the draft where text looks run together, for the officer to check."""
    flagged: list[Fragment] = []
    fields = [("title", draft.title), ("summary", draft.summary)]
    fields += [(f"key point {n}", point) for n, point in enumerate(draft.key_points, start=1)]
    fields += [("body", line) for line in _unescape(draft.body).split("\n")]
    for where, text in fields:
        for match in RUN_TOGETHER.finditer(text):
            word = _word_around(text, match.start())
            if "@" in word or "/" in word or re.search(r"\b(?:www|https?)\b", word):
                continue
            flagged.append(Fragment(_context(text, match.start(), match.end()), where))
    return flagged


def _word_around(text: str, index: int) -> str:
    for match in WORD_AT.finditer(text):
        if match.start() <= index < match.end():
            return match.group(0)
    return ""
