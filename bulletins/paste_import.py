"""Turn text pasted from Word, an email or a blog into a structured draft.

The shape it expects is that of the updates passed on from bridge calls (see
fixtures/cssc-update-2015-12-17.txt): a title, a source line, an intro, "Key Points"
bullets, then titled sections of paragraphs and bullets, often followed by the page
furniture of wherever it was copied from. Whatever the input, it returns a draft for a
person to check: it never raises on odd text, empty text or binary junk.
"""

import re
import unicodedata
from dataclasses import dataclass, field

# Beyond this the text is cut: a bulletin is a page or two, not a book.
MAX_INPUT_CHARS = 2_000_000
TITLE_MAX = 200
SUMMARY_MAX = 300
SOURCE_LINE_MAX = 200
HEADING_MAX_CHARS = 80
HEADING_MAX_WORDS = 10

# Bullet glyphs as they arrive from Word (Symbol and Wingdings fonts), email and plain text.
BULLET = re.compile(r"^\s*(?:[¨•·●◦▪■§\uf0a7\uf0b7\uf076\uf0d8–]|[o\-*](?=\s))\s*")
SOURCE_LINE = re.compile(
    r"^(?:update from|from|source|issued by)\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.IGNORECASE
)
KEY_POINTS_HEADING = re.compile(r"^key\s+points?:?$", re.IGNORECASE)
# Where the bulletin ends and the blog or mail client begins: everything from here is dropped.
FURNITURE_START = re.compile(
    r"^(?:leave a (?:reply|comment)|this entry was posted in|fill in your details below"
    r"|share this:?|like this:?|post navigation|related posts?:?|you are commenting using"
    r"|connecting to %s|comments? are closed|subscribe to (?:this blog|comments))",
    re.IGNORECASE,
)
# An author box just before the furniture ("About lambethhcc").
AUTHOR_BOX = re.compile(r"^about \S+$", re.IGNORECASE)
# Lines of furniture that can turn up on their own anywhere.
FURNITURE_LINE = re.compile(
    r"(?:wordpress\.com logo|google\+ photo|twitter picture|facebook photo|\blog out\b"
    r"|bookmark the permalink|click to share|^posted (?:on|by)\b|^advertisements?$)",
    re.IGNORECASE,
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class PastedDraft:
    title: str = ""
    source_line: str = ""
    summary: str = ""
    key_points: list[str] = field(default_factory=list)
    body: str = ""
    sections: list[str] = field(default_factory=list)


def parse_pasted_text(text: str | bytes | None) -> PastedDraft:
    """A draft made from pasted text: title, source line, summary, key points, Markdown body."""
    blocks = _blocks(_clean(text))
    draft = PastedDraft()
    if not blocks:
        return draft

    first = blocks.pop(0)
    draft.title = _shorten(" ".join(first), TITLE_MAX)
    if blocks and len(blocks[0]) == 1 and _is_source_line(blocks[0][0]):
        draft.source_line = _shorten(blocks.pop(0)[0], SOURCE_LINE_MAX)

    body: list[str] = []
    intro: list[str] = []
    in_key_points = False
    seen_heading = False
    for block in blocks:
        if _is_heading(block):
            heading = block[0].rstrip(":")
            seen_heading = True
            if KEY_POINTS_HEADING.match(block[0]) and not draft.key_points:
                in_key_points = True
                continue
            in_key_points = False
            draft.sections.append(heading)
            body.append(f"## {_escape(heading)}")
            continue
        items = _bullets(block)
        if items is not None:
            # Bullets straight after the intro are its key points, even without a heading.
            if in_key_points or (not seen_heading and not draft.key_points):
                draft.key_points.extend(items)
                in_key_points = True
            else:
                body.append("\n".join(f"- {_escape(item)}" for item in items))
            continue
        paragraph = " ".join(block)
        if not seen_heading and not draft.key_points:
            intro.append(paragraph)
        body.append(_escape(paragraph))

    draft.summary = _summary(intro[0] if intro else "")
    draft.body = "\n\n".join(body)
    return draft


def _clean(text: str | bytes | None) -> str:
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = text[:MAX_INPUT_CHARS]
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\t", " ").replace("\ufffd", "")
    return CONTROL.sub("", text)


def _blocks(text: str) -> list[list[str]]:
    """Runs of non-blank lines, with the page furniture left out."""
    lines = [line.strip() for line in text.split("\n")]
    end = next((i for i, line in enumerate(lines) if FURNITURE_START.match(line)), len(lines))
    for i in range(end - 1, max(-1, end - 6), -1):
        if AUTHOR_BOX.match(lines[i]):
            end = i
            break
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines[:end]:
        if not line or FURNITURE_LINE.search(line):
            if current:
                blocks.append(current)
                current = []
            continue
        current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _is_source_line(line: str) -> bool:
    return len(line) <= SOURCE_LINE_MAX and bool(SOURCE_LINE.search(line))


def _is_heading(block: list[str]) -> bool:
    if len(block) != 1:
        return False
    line = block[0]
    if KEY_POINTS_HEADING.match(line):
        return True
    return (
        len(line) <= HEADING_MAX_CHARS
        and len(line.split()) <= HEADING_MAX_WORDS
        and not BULLET.match(line)
        and line[-1] not in ".;:,!?"
        and (line[0].isupper() or line[0].isdigit())
    )


def _bullets(block: list[str]) -> list[str] | None:
    """The items of a block of bullets, or None if it is not one."""
    if not BULLET.match(block[0]):
        return None
    items: list[str] = []
    for line in block:
        if BULLET.match(line):
            items.append(BULLET.sub("", line, count=1))
        else:
            items[-1] = f"{items[-1]} {line}"
    cleaned = [item.strip().rstrip(";").strip() for item in items]
    return [item for item in cleaned if item]


def _summary(intro: str) -> str:
    """The intro's opening sentences, as many as fit in a summary."""
    summary = ""
    for sentence in SENTENCE_END.split(intro):
        candidate = f"{summary} {sentence}".strip()
        if len(candidate) > SUMMARY_MAX:
            break
        summary = candidate
    return summary or _shorten(intro, SUMMARY_MAX)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut + "…"


def _escape(text: str) -> str:
    """Keep pasted text literal in Markdown: no accidental emphasis, links, HTML or headings."""
    text = re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)
    return re.sub(r"^(#|\d+\.|[+-] )", r"\\\1", text)
