"""The import pipeline on its own: the sample update, pasted HTML, odd and hostile input."""

import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletins.importing import ImportRefused, import_source
from bulletins.importing import limits as import_limits
from bulletins.importing.facts import draft_text

SAMPLE = Path(__file__).resolve().parents[2] / "demo" / "fixtures" / "cssc-update-2015-12-17.txt"
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".docx", ".eml", ".msg"))


def sample():
    return import_source(text=SAMPLE.read_text(encoding="utf-8"))


def test_the_sample_yields_its_title_source_and_summary():
    draft = sample().draft
    assert draft.title == "CSSC Counter Terrorism Protective Sercurity Update"
    assert draft.source_line == "Update from Safer London 17/12/2015"
    assert draft.summary.startswith("This morning the Detective Superintendent")
    assert len(draft.summary) <= 300


def test_the_sample_s_summary_is_not_repeated_in_the_body_but_the_rest_of_its_intro_is():
    draft = sample().draft
    assert "This morning the Detective Superintendent" not in draft.body
    assert draft.body.startswith("At the start of the call it was stressed")


def test_the_sample_yields_its_seven_key_points_in_order():
    draft = sample().draft
    assert len(draft.key_points) == 7
    assert draft.key_points[0].startswith("The threat comes principally from Daesh")
    assert draft.key_points[6].startswith("We advise the public to remain vigilant")
    assert not any(point.startswith(("¨", "•")) for point in draft.key_points)


def test_the_sample_yields_its_sections_as_headings():
    draft = sample().draft
    assert draft.sections == [
        "Confronting the Terrorist Threat",
        "Working Together",
        "Online Launch of Stay Safe—Run, Hide, Tell",
    ]
    for section in draft.sections:
        assert f"\n## {section}\n" in draft.body
    assert "- In the last 12 months (December 2014 to November 2015) there were 347" in draft.body


def test_the_sample_keeps_its_facts_and_drops_the_blog_furniture_with_a_reason():
    result = sample()
    everything = draft_text(result.draft)
    for fact in [
        "0800 789 321",
        "999",
        "101",
        "347",
        "600",
        "SEVERE",
        "www.preventtragedies.co.uk",
    ]:
        assert fact in everything
    for furniture in ["Leave a Reply", "lambethhcc", "WordPress.com", "commenting using",
                      "Connecting to", "Bookmark the permalink", "Facebook photo"]:  # fmt: skip
        assert furniture not in everything
    reasons = {item.reason for item in result.dropped}
    assert reasons == {"the furniture of the web page or blog it was copied from"}
    # The only fact of the source not in the draft is the blog's own, and it is listed.
    assert [(fact.value, fact.reason) for fact in result.facts_left_out] == [
        ("Lambeth", "it was in the furniture of the web page or blog it was copied from")
    ]


def test_the_run_together_fragment_in_the_sample_is_flagged_where_it_is():
    fragments = sample().fragments
    assert [fragment.where for fragment in fragments] == ["key point 5"]
    assert fragments[0].text.endswith("facing;6th December 2015")


def test_web_addresses_abbreviations_and_numbers_are_not_flagged_as_run_together():
    text = (
        "Title line\n\nSee www.gov.uk/ACT or e.g. the guidance at https://example.org/a;b and "
        "write to duty.officer@example.org. The figure rose by 3.5% to 1,200.\n"
    )
    assert import_source(text=text).fragments == []


def test_bullet_glyphs_of_every_kind_become_key_points():
    text = "Title\n\nIntro text here.\n\n• one\n· two\no three\n- four\n* five\n¨ six\n"
    assert import_source(text=text).draft.key_points == [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
    ]


def test_pasted_html_keeps_lists_and_headings_and_loses_anything_that_runs():
    html = (
        "<h1>Stadium update</h1><p>Update from the Sports Grounds Forum</p>"
        "<p>Intro about the <a href='javascript:alert(1)'>matchday</a> plan.</p>"
        "<script>alert('pasted')</script><p onclick='alert(2)'>Second paragraph.</p>"
        "<h2>Key points</h2><ul><li>One</li><li>Two <img src=x onerror=alert(3)></li></ul>"
        "<h2>Detail</h2><ol><li>First step</li><li>Second step</li></ol>"
    )
    result = import_source(text="Stadium update (flattened)", html=html)
    draft = result.draft
    assert result.source.kind == "html"
    assert draft.title == "Stadium update"
    assert draft.key_points == ["One", "Two"]
    assert draft.sections == ["Detail"]
    assert "1. First step\n2. Second step" in draft.body
    everything = draft_text(draft)
    for hostile in ["alert", "javascript:", "onclick", "onerror", "<script"]:
        assert hostile not in everything


def test_pasted_html_with_no_text_falls_back_to_the_plain_text():
    result = import_source(text="Plain title\n\nPlain body.", html="<p> </p><!-- nothing -->")
    assert result.source.kind == "text"
    assert result.draft.title == "Plain title"


def test_text_with_no_structure_becomes_a_body_with_its_first_line_as_the_title():
    text = "a note typed in a hurry\nthe rest of the note says what happened.\nand more"
    draft = import_source(text=text).draft
    assert draft.structureless
    assert draft.title == "a note typed in a hurry"
    assert draft.summary == "" and draft.key_points == []
    assert draft.body.startswith("the rest of the note")


@pytest.mark.parametrize("nothing", ["", "   \n\n  ", "\u200b\n\u00a0"])
def test_empty_input_is_refused_with_a_reason(nothing):
    with pytest.raises(ImportRefused, match="No text was found"):
        import_source(text=nothing)


def test_binary_junk_pasted_is_refused_as_not_text():
    junk = os.urandom(64 * 1024).decode("latin-1")
    with pytest.raises(ImportRefused, match="not text"):
        import_source(text=junk)


def test_huge_input_gives_a_draft_within_the_limits():
    draft = import_source(text=("A long paragraph of words. " * 40 + "\n\n") * 1000).draft
    assert len(draft.title) <= 200 and len(draft.summary) <= 300


def test_an_import_that_takes_too_long_is_stopped(monkeypatch):
    monkeypatch.setattr(import_limits, "TIME_LIMIT_SECONDS", 0)
    with pytest.raises(ImportRefused, match="took longer than 0 seconds and was stopped"):
        import_source(text=SAMPLE.read_text(encoding="utf-8"))


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_any_text_gives_a_draft_within_the_limits_or_a_reason(text):
    try:
        draft = import_source(text=text).draft
    except ImportRefused as refusal:
        assert str(refusal)
    else:
        assert len(draft.title) <= 200 and len(draft.summary) <= 300


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_damaged_file_gives_a_draft_or_a_reason_never_an_error(path):
    generator = random.Random(path.name)
    original = path.read_bytes()
    for _ in range(40):
        data = bytearray(original)
        for _ in range(generator.choice([1, 8, 64])):
            data[generator.randrange(len(data))] = generator.randrange(256)
        if generator.random() < 0.25:
            data = data[: generator.randrange(len(data))]
        try:
            import_source(filename=path.name, data=bytes(data))
        except ImportRefused as refusal:
            assert str(refusal)


def test_html_nested_absurdly_deep_is_not_parsed_and_the_pasted_text_is_used():
    html = "<div>" * 20_000 + "<p>Deep text</p>"
    result = import_source(text="Plain title\n\nThe text of the update.", html=html)
    assert result.source.kind == "text"
    assert result.draft.title == "Plain title"
    assert result.source.notes == [
        "The pasted formatting was nested too deeply to read: the text is used."
    ]


@pytest.mark.parametrize("opening", ["<div>", "<ul><li>", "<table><tr><td>", "<blockquote>"])
def test_html_nested_deeper_than_any_document_still_gives_its_text(opening):
    html = "<h1>Deep update</h1>" + opening * 900 + "<p>Call 0800 789 321 today.</p>"
    result = import_source(text="flattened", html=html)
    assert result.draft.title == "Deep update"
    assert "0800 789 321" in draft_text(result.draft)
