"""The clean structure made into a proposed draft: title, source line, summary, key points and
body sections. The summary is the intro's opening (or a "Summary" section) and is not repeated
in the body; "Key points" (however it is headed, or bullets straight after the intro) become
the key points; every other heading is a section of the body."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from .cleaning import Cleaned
from .sources import escape_markdown
from .structure import Block, Dropped, Source

TITLE_MAX = 200
SUMMARY_MAX = 300
SOURCE_LINE_MAX = 200
# A first line on its own this short, with no closing stop, is the update's title.
TITLE_LINE_MAX = 150
TITLE_LINE_MAX_WORDS = 20
# A line that says where the update came from: "Update from …", "Issued by …", a date.
SOURCE_LINE = re.compile(
    r"^(?:(?:an? )?(?:update|briefing|message|bulletin|advice|information)s? (?:from|by)\b"
    r"|from\b|source\s*:|issued by\b|(?:prepared|produced|circulated|sent|published|posted) by\b)"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    re.IGNORECASE,
)
SOURCE_LINE_MAX_WORDS = 16
KEY_POINTS_HEADING = re.compile(
    r"^(?:key (?:points?|messages?|facts|information)|main points|headlines|at a glance"
    r"|in brief|summary of (?:the )?key points|key points for \w+)$",
    re.IGNORECASE,
)
SUMMARY_HEADING = re.compile(r"^(?:summary|overview|executive summary|in summary)$", re.IGNORECASE)
SUBJECT_PREFIX = re.compile(
    r"^(?:\s*(?:re|fw|fwd|aw|wg|tr)\s*(?:\[\d+\])?\s*:\s*|\s*\[[^\]]{1,24}\]\s*)+", re.IGNORECASE
)
# Words of a covering note above the update itself.
COVERING_NOTE = re.compile(
    r"\b(?:see|find)\b.{0,40}\b(?:below|attached)\b|\bfyi\b|for (?:your )?information"
    r"|please (?:share|cascade|circulate|pass on)|forward(?:ed|ing)\b",
    re.IGNORECASE,
)
COVER_MAX_WORDS = 60
COVER_REASON = "a covering note above the update"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9‘“\"'(])")
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


@dataclass
class Draft:
    title: str = ""
    source_line: str = ""
    summary: str = ""
    key_points: list[str] = field(default_factory=list)
    body: str = ""
    sections: list[str] = field(default_factory=list)
    # Where the title came from, said on the check page.
    title_from: str = ""
    # True when the source had no headings, lists, tables or source line.
    structureless: bool = False


def make_draft(source: Source, cleaned: Cleaned) -> Draft:
    blocks = list(cleaned.blocks)
    draft = Draft()
    subject = SUBJECT_PREFIX.sub("", cleaned.subject or source.subject).strip()
    sender = _sender_name(cleaned.sender) or source.sender
    sent = _parse_date(cleaned.sent_text) if cleaned.sent_text else source.sent
    draft.structureless = not any(block.kind != "paragraph" for block in blocks)

    # A line or two above the update's own title ("Please see the update below") is a
    # covering note, not the update.
    heading_at = next((i for i, b in enumerate(blocks[:3]) if b.kind == "heading"), None)
    if heading_at and _title_like(blocks[heading_at]):
        note = blocks[:heading_at]
        words = sum(len(b.text.split()) for b in note)
        if (
            all(b.kind == "paragraph" for b in note)
            and words <= COVER_MAX_WORDS
            and any(COVERING_NOTE.search(b.text) for b in note)
        ):
            for b in note:
                cleaned.dropped.append(Dropped(b.text, COVER_REASON))
            blocks = blocks[heading_at:]

    # The title.
    if blocks and _title_like(blocks[0]):
        first = blocks.pop(0)
        draft.title = first.text
        draft.title_from = "the first heading" if first.kind == "heading" else "the first line"
    elif subject:
        draft.title, draft.title_from = subject, "the email's subject"
        if blocks and _same(blocks[0].text, subject):
            blocks.pop(0)
    elif blocks and blocks[0].kind == "paragraph":
        first, _, rest = blocks[0].text.partition("\n")
        # A first line too long for a title gives its first sentence; the rest stays in the body.
        opening = re.split(r"(?<=[.!?])\s+", first, maxsplit=1)
        if len(first) > TITLE_MAX and len(opening) > 1 and len(opening[0]) <= TITLE_MAX:
            first, rest = opening[0], f"{opening[1]}\n{rest}".strip()
        draft.title, draft.title_from = first.strip(), "the first line"
        if rest.strip():
            blocks[0] = Block(
                "paragraph", text=rest.strip(), markdown=escape_markdown(" ".join(rest.split()))
            )
        else:
            blocks.pop(0)
    draft.title = _shorten(" ".join(draft.title.split()), TITLE_MAX)

    # The source line: near the top, or made from the email's sender and date.
    for index, block in enumerate(blocks[:3]):
        line = block.text.strip()
        if block.kind in ("paragraph", "heading") and _is_source_line(line):
            draft.source_line = _shorten(" ".join(line.split()), SOURCE_LINE_MAX)
            blocks.pop(index)
            draft.structureless = False
            break
    if not draft.source_line and sender:
        when = f", {sent.day} {MONTHS[sent.month - 1].title()} {sent.year}" if sent else ""
        draft.source_line = _shorten(f"Update from {sender}{when}", SOURCE_LINE_MAX)

    if draft.structureless:
        draft.body = "\n\n".join(_markdown(block) for block in blocks)
        return draft

    # Sections: the intro (before any heading), then each heading with what follows it.
    intro: list[Block] = []
    sections: list[tuple[Block, list[Block]]] = []
    for block in blocks:
        if block.kind == "heading":
            sections.append((block, []))
        elif sections:
            sections[-1][1].append(block)
        else:
            intro.append(block)

    summary_text = ""
    body: list[str] = []
    lead: list[str] = []
    has_key_heading = any(KEY_POINTS_HEADING.match(h.text) for h, _ in sections)
    for heading, content in sections:
        if KEY_POINTS_HEADING.match(heading.text) and not draft.key_points:
            lists = [b for b in content if b.kind == "list"]
            if lists:
                for b in lists:
                    draft.key_points.extend(b.items)
                lead.extend(_markdown(b) for b in content if b.kind != "list")
            else:
                draft.key_points.extend(" ".join(b.all_text.split()) for b in content)
        elif SUMMARY_HEADING.match(heading.text) and not summary_text:
            paragraphs = [b for b in content if b.kind == "paragraph"]
            summary_text = " ".join(" ".join(b.text.split()) for b in paragraphs)
            draft.summary, rest = _summary(summary_text)
            if rest:
                lead.append(escape_markdown(rest))
            lead.extend(_markdown(b) for b in content if b.kind != "paragraph")
        else:
            draft.sections.append(heading.text)
            body.append(f"## {escape_markdown(heading.text)}")
            body.extend(_markdown(b) for b in content)

    intro_md: list[str] = []
    for block in intro:
        if block.kind == "list" and not has_key_heading and not draft.key_points:
            # Bullets straight after the intro are its key points, even without a heading.
            draft.key_points.extend(block.items)
            continue
        if block.kind == "paragraph" and not draft.summary:
            draft.summary, rest = _summary(" ".join(block.text.split()))
            if rest:
                intro_md.append(_rest_of_markdown(block, rest))
            continue
        intro_md.append(_markdown(block))
    draft.key_points = [point.rstrip(";").strip() for point in draft.key_points if point.strip()]
    draft.body = "\n\n".join(part for part in [*lead, *intro_md, *body] if part)
    return draft


def _title_like(block: Block) -> bool:
    """A heading, or a line on its own that reads as one: short, with no closing stop."""
    text = block.text.strip()
    if _special(text) or _is_source_line(text):
        return False
    if block.kind == "heading":
        return True
    return (
        block.kind == "paragraph"
        and "\n" not in text
        and len(text) <= TITLE_LINE_MAX
        and len(text.split()) <= TITLE_LINE_MAX_WORDS
        and text[-1] not in ".;:,!?"
        and text[0].isupper()
    )


def _special(heading: str) -> bool:
    return bool(KEY_POINTS_HEADING.match(heading) or SUMMARY_HEADING.match(heading))


def _same(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"\W+", " ", SUBJECT_PREFIX.sub("", text)).strip().casefold()

    return norm(a) == norm(b)


def _is_source_line(line: str) -> bool:
    return (
        "\n" not in line
        and len(line) <= SOURCE_LINE_MAX
        and len(line.split()) <= SOURCE_LINE_MAX_WORDS
        and not line.endswith((".", ":"))
        and bool(SOURCE_LINE.search(line))
    )


def _sender_name(value: str) -> str:
    name = re.sub(r"<[^>]*>|\[mailto:[^\]]*\]", "", value or "").strip().strip('"').strip()
    return name


def _parse_date(text: str) -> datetime | None:
    """A date from an Outlook header line ("Tuesday, 3 March 2026 14:12", "03/03/2026 14:12")."""
    lowered = text.lower()
    year = re.search(r"\b(19|20)\d{2}\b", lowered)
    month = next((i for i, name in enumerate(MONTHS) if re.search(rf"\b{name[:3]}", lowered)), None)
    if year and month is not None:
        day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!:)", lowered.replace(year.group(0), ""))
        if day and 1 <= int(day.group(1)) <= 31:
            try:
                return datetime(int(year.group(0)), month + 1, int(day.group(1)))
            except ValueError:
                return None
    numeric = re.search(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", lowered)
    if numeric:
        try:
            return datetime(int(numeric.group(3)), int(numeric.group(2)), int(numeric.group(1)))
        except ValueError:
            return None
    return None


def _summary(text: str) -> tuple[str, str]:
    """The text's opening sentences, as many as fit in a summary, and the rest."""
    sentences = SENTENCE_END.split(text)
    summary = ""
    used = 0
    for sentence in sentences:
        candidate = f"{summary} {sentence}".strip()
        if len(candidate) > SUMMARY_MAX:
            break
        summary = candidate
        used += 1
    if not summary:
        return _shorten(text, SUMMARY_MAX), text if len(text) > SUMMARY_MAX else ""
    return summary, " ".join(sentences[used:]).strip()


def _rest_of_markdown(block: Block, rest: str) -> str:
    """The paragraph's Markdown without the sentences taken for the summary."""
    md_sentences = SENTENCE_END.split(" ".join(block.markdown.split()))
    rest_count = len(SENTENCE_END.split(rest))
    if len(md_sentences) == len(SENTENCE_END.split(" ".join(block.text.split()))):
        return " ".join(md_sentences[-rest_count:])
    return escape_markdown(rest)


def _markdown(block: Block) -> str:
    if block.kind == "heading":
        return f"### {escape_markdown(block.text)}"
    if block.kind == "list":
        lines = block.item_markdown or [escape_markdown(item) for item in block.items]
        if block.ordered:
            return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))
        return "\n".join(f"- {line}" for line in lines)
    if block.kind == "table":
        rows = [
            [escape_markdown(cell).replace("|", "\\|") or " " for cell in row] for row in block.rows
        ]
        header, *rest = rows
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rest]
        return "\n".join(lines)
    return block.markdown or escape_markdown(" ".join(block.text.split()))


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut + "…"
