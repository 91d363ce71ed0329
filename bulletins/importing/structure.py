"""The clean structure every source is read into, whatever its form."""

import time
from dataclasses import dataclass, field
from datetime import datetime

from . import limits


class ImportRefused(Exception):
    """The source cannot be imported; the message says why, in the officer's words."""


@dataclass
class Block:
    """One heading, paragraph, list or table of the source.

    `text` is plain text, for reading and matching; `markdown` is the same content as the
    bulletin's body takes it (links and emphasis kept from HTML sources, anything else
    escaped). For a list, `items` (and `item_markdown`); for a table, `rows`.
    """

    kind: str  # "heading", "paragraph", "list" or "table"
    text: str = ""
    markdown: str = ""
    level: int = 0  # a heading's level, 1 the highest
    items: list[str] = field(default_factory=list)
    item_markdown: list[str] = field(default_factory=list)
    ordered: bool = False
    rows: list[list[str]] = field(default_factory=list)
    # In an email, a block inside a quote (<blockquote>, "> " lines): an earlier message.
    quoted: bool = False
    # On a web page, inside its navigation, side panel, footer or a form: not the article.
    furniture: bool = False
    # A list made of paragraphs that each began with a bullet glyph (Word's pasted lists).
    from_glyphs: bool = False

    @property
    def all_text(self) -> str:
        if self.kind == "list":
            return "\n".join(self.items)
        if self.kind == "table":
            return "\n".join(" | ".join(row) for row in self.rows)
        return self.text


@dataclass
class HeldFile:
    """A file that came with the source (an email's attachment), offered to the draft."""

    name: str
    content: bytes


@dataclass
class Source:
    kind: str  # "text", "html", "docx", "eml" or "msg"
    name: str = ""
    blocks: list[Block] = field(default_factory=list)
    subject: str = ""
    sender: str = ""
    sent: datetime | None = None
    attachments: list[HeldFile] = field(default_factory=list)
    # Warnings from the reader (mammoth's unknown styles and the like), shown on the check page.
    notes: list[str] = field(default_factory=list)


@dataclass
class Dropped:
    """A block left out of the draft, and why."""

    text: str
    reason: str


class Deadline:
    """The import's time limit, checked between steps and in loops."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = limits.TIME_LIMIT_SECONDS if seconds is None else seconds
        self.ends = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise ImportRefused(
                f"The import took longer than {self.seconds:g} seconds and was stopped. "
                "Try a smaller file, or paste the part of it that is the update."
            )
