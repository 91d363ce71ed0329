"""Importing an update in a real browser: a Word document uploaded, checked beside its source
and saved; and HTML from the clipboard sent along with pasted text."""

from pathlib import Path

import pytest

from bulletins.models import Bulletin
from tests.browser.conftest import axe_violations, horizontal_overflow, screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
TITLE = "Protective Security Update: Retail and Hospitality"


def test_an_officer_uploads_a_word_document_checks_it_beside_the_source_and_saves_it(
    portal_server, page, ncpp_officer, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "attachments"
    sign_in(page, portal_server, ncpp_officer)
    page.goto(f"{portal_server}/bulletins/paste/")
    choose = page.get_by_label("Or upload a file")
    # A file over the limit is refused in the page, before it is sent.
    choose.set_input_files(
        files=[{"name": "huge.docx", "mimeType": "application/octet-stream",
                "buffer": b"\0" * (21 * 1024 * 1024)}]
    )  # fmt: skip
    assert choose.evaluate("input => input.files.length") == 0
    choose.set_input_files(str(CORPUS / "d01-heading-styles.docx"))
    page.get_by_role("button", name="Make a draft from it").click()

    page.get_by_role("heading", name="Check the imported draft").wait_for()
    assert page.get_by_label("Title").input_value() == TITLE
    assert len(page.get_by_label("Key points").input_value().splitlines()) == 4
    # The source on the left, the proposed draft on the right, what was left out below.
    source = page.locator("#import-source").bounding_box()
    draft = page.locator("#import-draft").bounding_box()
    left_out = page.locator("#left-out").bounding_box()
    assert source["x"] + source["width"] <= draft["x"] + 1
    assert abs(source["y"] - draft["y"]) < 5
    assert left_out["y"] >= max(source["y"] + source["height"], draft["y"] + draft["height"])
    assert page.locator("#import-source").get_by_text("Staff training").is_visible()
    assert axe_violations(page) == []
    assert horizontal_overflow(page) == ""
    screenshot(page, "bulletin-import-check")
    # On a phone the two columns stack, and nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    assert horizontal_overflow(page) == ""
    source = page.locator("#import-source").bounding_box()
    draft = page.locator("#import-draft").bounding_box()
    assert draft["y"] >= source["y"] + source["height"] - 1
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not Bulletin.objects.exists()

    page.get_by_label("Title").fill(TITLE + " (checked)")
    page.get_by_label("TLP:GREEN").check()
    page.get_by_role("button", name="Save the draft").click()

    page.get_by_text("The draft is saved.").wait_for()
    bulletin = Bulletin.objects.get()
    assert bulletin.title == TITLE + " (checked)"
    assert bulletin.source_line == "Update from the NCPP office, 4 March 2026"
    assert "## Actions for ISLs" in bulletin.body


def test_text_pasted_from_word_brings_its_html_and_typing_afterwards_drops_it(
    portal_server, page, ncpp_officer, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "attachments"
    html = (CORPUS / "h01-word-clipboard.html").read_text(encoding="utf-8")
    flattened = "Retail Sector Security Update\nOFFICIAL-SENSITIVE\nCheck that temporary barriers"
    sign_in(page, portal_server, ncpp_officer)
    page.goto(f"{portal_server}/bulletins/paste/")
    box = page.get_by_label("Paste the update")

    def paste() -> None:
        # What the browser does on a paste from Word: a paste event carrying text/html and
        # text/plain, then the text arriving in the box.
        box.evaluate(
            """(box, [html, text]) => {
                const data = new DataTransfer();
                data.setData("text/html", html);
                data.setData("text/plain", text);
                box.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data}));
                box.value = text;
                box.dispatchEvent(new Event("input", {bubbles: true}));
            }""",
            [html, flattened],
        )

    paste()
    assert page.locator("input[name=html]").input_value() == html
    box.press("End")
    box.type(" and more")
    assert page.locator("input[name=html]").input_value() == ""

    box.fill("")
    paste()
    page.get_by_role("button", name="Make a draft from it").click()
    page.get_by_role("heading", name="Check the imported draft").wait_for()
    assert page.get_by_label("Title").input_value() == (
        "Retail Sector Security Update: Vehicle as a Weapon"
    )
    assert len(page.get_by_label("Key points").input_value().splitlines()) == 3
    assert page.get_by_text("The original is marked OFFICIAL-SENSITIVE.").is_visible()
    assert not Bulletin.objects.exists()
