"""One import pipeline for every form of source: source → clean structure → proposed draft,
with the facts checked."""

from dataclasses import dataclass, field

from .cleaning import clean
from .draft import Draft, make_draft
from .facts import Fact, Fragment, check_facts, run_together
from .sources import read_paste, read_upload
from .structure import Deadline, Dropped, ImportRefused, Source

KINDS = {
    "text": "pasted text",
    "html": "pasted text with its formatting",
    "docx": "a Word document",
    "eml": "an email",
    "msg": "an Outlook email",
}


@dataclass
class ImportResult:
    source: Source
    draft: Draft
    dropped: list[Dropped] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    fragments: list[Fragment] = field(default_factory=list)
    marking_hint: str = ""

    @property
    def kind_name(self) -> str:
        return KINDS[self.source.kind]

    @property
    def facts_left_out(self) -> list[Fact]:
        return [fact for fact in self.facts if fact.reason]


def import_source(
    *,
    text: str = "",
    html: str = "",
    filename: str = "",
    data: bytes | None = None,
    deadline: Deadline | None = None,
) -> ImportResult:
    """The proposed draft from a file (`filename`, `data`) or pasted `text` and `html`.

    Raises ImportRefused, with the reason in the officer's words, for what cannot be read."""
    deadline = deadline or Deadline()
    if data is not None:
        source = read_upload(filename, data, deadline)
    else:
        source = read_paste(text, html, deadline)
    if not any(block.all_text.strip() for block in source.blocks) and not source.subject:
        raise ImportRefused(
            "No text was found in it. If it is a scanned document or a picture, type or paste "
            "the update instead."
        )
    deadline.check()
    cleaned = clean(source, deadline)
    draft = make_draft(source, cleaned)
    deadline.check()
    return ImportResult(
        source=source,
        draft=draft,
        dropped=cleaned.dropped,
        facts=check_facts(source.blocks, cleaned, draft, deadline),
        fragments=run_together(draft),
        marking_hint=cleaned.marking_hint,
    )
