import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bulletins.paste_import import parse_pasted_text

SAMPLE = Path(__file__).resolve().parents[2] / "demo" / "fixtures" / "cssc-update-2015-12-17.txt"


def test_the_sample_yields_its_title_source_and_summary():
    draft = parse_pasted_text(SAMPLE.read_text(encoding="utf-8"))
    assert draft.title == "CSSC Counter Terrorism Protective Sercurity Update"
    assert draft.source_line == "Update from Safer London 17/12/2015"
    assert draft.summary.startswith("This morning the Detective Superintendent")
    assert len(draft.summary) <= 300


def test_the_sample_yields_its_seven_key_points_in_order():
    draft = parse_pasted_text(SAMPLE.read_text(encoding="utf-8"))
    assert len(draft.key_points) == 7
    assert draft.key_points[0].startswith("The threat comes principally from Daesh")
    assert draft.key_points[6].startswith("We advise the public to remain vigilant")
    assert not any(point.startswith(("¨", "•")) for point in draft.key_points)


def test_the_sample_yields_its_sections_as_headings():
    draft = parse_pasted_text(SAMPLE.read_text(encoding="utf-8"))
    assert draft.sections == [
        "Confronting the Terrorist Threat",
        "Working Together",
        "Online Launch of Stay Safe—Run, Hide, Tell",
    ]
    for section in draft.sections:
        assert f"\n## {section}\n" in draft.body
    assert "- In the last 12 months (December 2014 to November 2015) there were 347" in draft.body


def test_the_sample_keeps_the_hotline_and_drops_the_blog_furniture():
    draft = parse_pasted_text(SAMPLE.read_text(encoding="utf-8"))
    assert "0800 789 321" in draft.body
    everything = " ".join([draft.title, draft.summary, draft.body, *draft.key_points])
    for furniture in ["Leave a Reply", "lambethhcc", "WordPress.com", "commenting using",
                      "Connecting to", "Bookmark the permalink", "Facebook photo"]:  # fmt: skip
        assert furniture not in everything


def test_bullet_glyphs_of_every_kind_become_key_points():
    text = "Title\n\nIntro text here.\n\n• one\n· two\no three\n- four\n* five\n¨ six\n"
    assert parse_pasted_text(text).key_points == ["one", "two", "three", "four", "five", "six"]


def test_empty_input_gives_an_empty_draft():
    for nothing in ["", "   \n\n  ", None, b""]:
        draft = parse_pasted_text(nothing)
        assert draft.title == "" and draft.key_points == [] and draft.body == ""


def test_huge_input_does_not_crash():
    draft = parse_pasted_text(("A long paragraph of words. " * 40 + "\n\n") * 1000)
    assert len(draft.title) <= 200 and len(draft.summary) <= 300


def test_binary_input_does_not_crash():
    draft = parse_pasted_text(os.urandom(1024 * 1024))
    assert len(draft.title) <= 200
    assert "\x00" not in draft.body


@settings(max_examples=50, deadline=None)
@given(st.text())
def test_any_text_gives_a_draft_within_the_limits(text):
    draft = parse_pasted_text(text)
    assert len(draft.title) <= 200 and len(draft.summary) <= 300
