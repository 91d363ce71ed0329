"""The import corpus (tests/fixtures/imports/): each source, in whichever of the four forms it
came (pasted text, pasted HTML, a .docx, an .eml or .msg email), makes the draft its
expectation file describes. No rule of the importer is written for one of these files."""

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bulletins.importing import import_source
from bulletins.importing.facts import draft_text

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
CASES = sorted(CORPUS.glob("*.json"))


def imported(case: dict):
    path = CORPUS / case["source"]
    if path.suffix == ".txt":
        return import_source(text=path.read_text(encoding="utf-8"))
    if path.suffix == ".html":
        # A browser pastes both: the flattened text, and the HTML the importer prefers.
        html = path.read_text(encoding="utf-8")
        return import_source(text=BeautifulSoup(html, "html.parser").get_text("\n"), html=html)
    return import_source(filename=path.name, data=path.read_bytes())


def test_the_corpus_has_every_form_and_at_least_fifteen_cases():
    forms = {(CORPUS / json.loads(case.read_text())["source"]).suffix for case in CASES}
    assert len(CASES) >= 15
    assert {".txt", ".html", ".docx", ".eml", ".msg"} <= forms


@pytest.mark.parametrize("path", CASES, ids=[case.stem for case in CASES])
def test_each_source_makes_the_expected_draft(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    result = imported(case)
    draft = result.draft
    everything = draft_text(draft)

    assert draft.title == case["title"]
    assert draft.source_line == case["source_line"]
    assert len(draft.key_points) == case["key_points"], draft.key_points
    assert draft.sections == case["sections"]
    assert result.marking_hint == case["marking_hint"]
    assert draft.structureless == case.get("structureless", False)
    if "summary_starts" in case:
        assert draft.summary.startswith(case["summary_starts"]), draft.summary
    for kept in case["must_keep"]:
        assert kept in everything, f"{kept!r} is missing from the draft"
    for dropped in case["must_not_appear"]:
        assert dropped not in everything, f"{dropped!r} should not be in the draft"
    left_out = {fact.value for fact in result.facts_left_out}
    for value in case.get("left_out", []):
        assert value in left_out, f"{value!r} is not listed as left out"
    assert [held.name for held in result.source.attachments] == case.get("attachments", [])


@pytest.mark.parametrize("path", CASES, ids=[case.stem for case in CASES])
def test_nothing_is_lost_silently_and_the_summary_is_not_repeated(path):
    result = imported(json.loads(path.read_text(encoding="utf-8")))
    draft = result.draft

    # Every fact is in the draft, or listed as left out with the reason.
    kept = draft_text(draft).casefold()
    for fact in result.facts:
        assert fact.reason or re.sub(r"\s", "", fact.value.casefold()) in re.sub(r"\s", "", kept)
        assert not fact.reason or fact.reason.startswith("it was in ")
    # The summary's sentences are not said again in the body.
    for sentence in re.split(r"(?<=[.!?])\s+", draft.summary):
        if len(sentence) > 30:
            assert sentence not in draft.body
    # No marking line, email header or quoted line reaches the draft.
    for line in draft.body.splitlines():
        assert not re.match(r"^(?:From|Sent|To|Subject):\s", line)
        assert not re.fullmatch(r"\W*OFFICIAL(?:-SENSITIVE)?\W*", line)
