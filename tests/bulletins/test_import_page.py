"""Importing an update through its pages: the import page, the check page, saving, and every
kind of bad input refused with a clear message and nothing saved."""

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bulletins.importing import limits as import_limits
from bulletins.models import Attachment, Bulletin, Marking
from portal.request_limits import body_limit
from tests.fixtures.imports.cfb import write_cfb
from tests.helpers import PDF_BYTES, make_person

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
SAMPLE = Path(__file__).resolve().parents[2] / "demo" / "fixtures" / "cssc-update-2015-12-17.txt"


def upload(client, name: str, data: bytes):
    return client.post("/bulletins/paste/", {"upload": SimpleUploadedFile(name, data)})


def corpus_file(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def checked_draft(response, **changes) -> dict:
    """What the check page's form posts back, as the officer leaves it, with `changes`."""
    initial = response.context["form"].initial
    data = {
        "import_token": response.context["review"]["token"],
        "title": initial["title"],
        "summary": initial["summary"] or "A summary written by the officer.",
        "source_line": initial["source_line"],
        "key_points": initial["key_points"],
        "body": initial["body"],
        "marking": Marking.GREEN,
        "audience": "all",
        "valid_until": "",
        "supersedes": "",
    }
    data.update(changes)
    return data


def refusal(response) -> str:
    page = response.content.decode()
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def test_the_import_page_offers_paste_and_upload_and_states_its_limits(client, ncpp_officer):
    client.force_login(ncpp_officer)
    page = client.get("/bulletins/paste/").content.decode()
    assert 'name="text"' in page and 'name="upload"' in page and 'name="html"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "at most 20 MB" in page and "at most 20.0\xa0MB" in page
    assert f"stopped after {import_limits.TIME_LIMIT_SECONDS} seconds" in page
    assert "js/import.mjs" in page


def test_the_route_takes_a_file_as_large_as_the_import_allows():
    framing = 64 * 1024
    limit = body_limit(reverse("bulletin_paste"))
    assert limit >= import_limits.MAX_UPLOAD_BYTES + framing
    assert limit >= 20 * 1024 * 1024 + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + framing


def test_pasting_shows_the_source_beside_the_draft_and_saves_nothing(client, ncpp_officer):
    client.force_login(ncpp_officer)
    response = client.post("/bulletins/paste/", {"text": SAMPLE.read_text(encoding="utf-8")})
    page = response.content.decode()

    assert response.status_code == 200
    source = page[page.index('id="import-source"') : page.index('id="import-draft"')]
    draft = page[page.index('id="import-draft"') : page.index('id="left-out"')]
    left_out = page[page.index('id="left-out"') :]
    assert "Leave a Reply" in source and "About lambethhcc" in source
    assert 'value="CSSC Counter Terrorism Protective Sercurity Update"' in draft
    assert "Leave a Reply" not in draft
    assert "Lambeth" in left_out and "Leave a Reply" in left_out
    assert "furniture of the web page or blog" in left_out
    assert "facing;6th December 2015" in page[page.index('id="run-together"') :]
    assert "In the key point 5" in page
    assert not Bulletin.objects.exists() and not Attachment.objects.exists()


def test_a_forwarded_email_pasted_shows_the_marking_as_a_hint_only(client, ncpp_officer):
    client.force_login(ncpp_officer)
    text = (CORPUS / "t01-forwarded-outlook-paste.txt").read_text(encoding="utf-8")
    response = client.post("/bulletins/paste/", {"text": text})
    page = response.content.decode()
    form = response.context["form"]

    assert "The original is marked OFFICIAL." in page
    assert form.initial["title"].startswith("Bridge Call Update")
    assert "OFFICIAL" not in form.initial["body"]
    assert "A mail disclaimer" in page and "An unsubscribe or mailing-list line" in page


def test_saving_the_checked_draft_keeps_what_the_officer_edited(client, ncpp_officer):
    client.force_login(ncpp_officer)
    check = upload(client, "update.docx", corpus_file("d01-heading-styles.docx"))
    assert not Bulletin.objects.exists()

    data = checked_draft(check, title="Edited by the officer")
    response = client.post("/bulletins/paste/", data)

    bulletin = Bulletin.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("bulletin_edit", args=[bulletin.pk])
    assert bulletin.title == "Edited by the officer"
    assert bulletin.is_draft and bulletin.author == ncpp_officer
    assert bulletin.source_line == "Update from the NCPP office, 4 March 2026"
    assert len(bulletin.key_points) == 4
    assert "## Actions for ISLs" in bulletin.body


def test_an_email_s_attachments_are_offered_after_the_type_check_and_saved_only_when_ticked(
    client, ncpp_officer
):
    client.force_login(ncpp_officer)
    check = upload(client, "forwarded.eml", corpus_file("e01-forwarded-plain.eml"))
    review = check.context["review"]
    page = check.content.decode()

    assert [offer["name"] for offer in review["offered"]] == ["vehicle-checks.pdf"]
    assert "setup.exe" in page and "not one of the types accepted" in page
    assert not Attachment.objects.exists()
    held = Path(settings.PRIVATE_STORAGE_ROOT) / "imports" / review["token"]
    assert held.is_dir()

    response = client.post("/bulletins/paste/", checked_draft(check, offered=["0"]), follow=True)

    bulletin = Bulletin.objects.get()
    assert [a.filename for a in bulletin.attachments.all()] == ["vehicle-checks.pdf"]
    assert "The draft is saved, with vehicle-checks.pdf attached." in response.content.decode()
    assert not held.exists()


def test_an_offered_attachment_left_unticked_is_not_saved(client, ncpp_officer):
    client.force_login(ncpp_officer)
    check = upload(client, "message.msg", corpus_file("m01-outlook-html.msg"))
    assert [offer["name"] for offer in check.context["review"]["offered"]] == ["site-checklist.png"]

    client.post("/bulletins/paste/", checked_draft(check))

    bulletin = Bulletin.objects.get()
    assert bulletin.title == "Utilities Sector: Security of Remote Sites"
    assert not bulletin.attachments.exists()


def test_a_check_page_with_an_error_shows_the_source_again_and_saves_nothing(client, ncpp_officer):
    client.force_login(ncpp_officer)
    check = upload(client, "forwarded.eml", corpus_file("e01-forwarded-plain.eml"))

    response = client.post("/bulletins/paste/", checked_draft(check, marking="", offered=["0"]))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Choose a handling marking" in page
    assert "<title>Error: " in page
    assert "Ports and Ferries: Update on Vehicle Checks" in page[page.index('id="import-source"') :]
    assert 'id="offered-0" name="offered" type="checkbox" value="0" checked' in page
    assert not Bulletin.objects.exists() and not Attachment.objects.exists()


def test_another_officer_cannot_save_someone_else_s_import(client, ncpp_officer):
    client.force_login(ncpp_officer)
    check = upload(client, "forwarded.eml", corpus_file("e01-forwarded-plain.eml"))
    other = make_person("other.officer@example.org", "Other officer")
    other.groups.set(ncpp_officer.groups.all())
    client.force_login(other)

    response = client.post("/bulletins/paste/", checked_draft(check, offered=["0"]), follow=True)

    assert "That import is no longer held" in response.content.decode()
    assert not Bulletin.objects.exists() and not Attachment.objects.exists()


def test_an_isl_cannot_import(client, isl):
    client.force_login(isl)
    response = client.post("/bulletins/paste/", {"text": "Title\n\nSome text."})
    assert response.status_code in (403, 404)


# --- Bad input ----------------------------------------------------------------------------------


def zip_bomb_docx() -> bytes:
    """A real .docx with a part that unpacks to 200 MB of zeros (a few hundred KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(corpus_file("d01-heading-styles.docx"))) as source:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
            for entry in source.infolist():
                bomb.writestr(entry, source.read(entry))
            with bomb.open("word/media/image1.png", "w", force_zip64=True) as part:
                chunk = b"\0" * (1024 * 1024)
                for _ in range(200):
                    part.write(chunk)
    return out.getvalue()


def password_protected_docx() -> bytes:
    """What Word writes for a document with a password: an OLE file holding the encrypted zip."""
    return write_cfb({
        "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + os.urandom(512),
        "EncryptedPackage": os.urandom(8192),
    })  # fmt: skip


BAD_FILES = [
    ("locked.docx", password_protected_docx, "protected by a password"),
    ("broken.docx", lambda: corpus_file("d01-heading-styles.docx")[:3000], "damaged"),
    ("junk.docx", lambda: os.urandom(4096), "not a Word document"),
    ("bomb.docx", zip_bomb_docx, "would unpack to far more than its size"),
    ("spreadsheet.msg", lambda: write_cfb({"Workbook": b"x" * 5000}), "not an Outlook email"),
    ("text.msg", lambda: b"From: someone\r\n\r\nNot an Outlook file", "not an Outlook email"),
    ("junk.eml", lambda: os.urandom(4096), "not an email"),
    ("picture.pdf", lambda: b"%PDF-1.4\n%%EOF\n", "can import a Word document (.docx), an email"),
    ("big.docx", lambda: b"PK\x03\x04" + b"\0" * (21 * 1024 * 1024), "at most 20 MB"),
]


@pytest.mark.parametrize("name, make, says", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_saved(
    client, ncpp_officer, name, make, says
):
    client.force_login(ncpp_officer)
    response = upload(client, name, make())

    assert response.status_code == 200
    assert says in refusal(response), refusal(response)
    assert "<title>Error: " in response.content.decode()
    assert not Bulletin.objects.exists() and not Attachment.objects.exists()
    assert not (Path(settings.PRIVATE_STORAGE_ROOT) / "imports").exists()


def test_a_50_mb_file_is_refused_before_it_is_read(client, ncpp_officer):
    client.force_login(ncpp_officer)
    response = upload(client, "huge.docx", b"\0" * (50 * 1024 * 1024))

    assert response.status_code == 413
    assert "at most 26 MB here" in response.content.decode()
    assert not Bulletin.objects.exists()


def test_binary_junk_pasted_is_refused_with_a_clear_message(client, ncpp_officer):
    client.force_login(ncpp_officer)
    junk = os.urandom(8192).replace(b"\0", b"\1").decode("latin-1")
    response = client.post("/bulletins/paste/", {"text": junk})
    assert refusal(response) == (
        "What was pasted is not text: it looks like the inside of a file. Upload the file "
        "itself, or copy its text from where it is open."
    )
    assert not Bulletin.objects.exists()


def test_text_with_no_structure_is_offered_as_a_body_with_a_proposed_title(client, ncpp_officer):
    client.force_login(ncpp_officer)
    text = (CORPUS / "t03-structureless.txt").read_text(encoding="utf-8")
    response = client.post("/bulletins/paste/", {"text": text})
    assert "No headings, lists or source line were found" in response.content.decode()
    assert response.context["form"].initial["title"].startswith("notes from the sports grounds")
    assert not Bulletin.objects.exists()


def test_an_empty_form_or_both_at_once_says_what_to_do(client, ncpp_officer):
    client.force_login(ncpp_officer)
    assert refusal(client.post("/bulletins/paste/", {"text": " "})) == (
        "Paste the update, or choose a file to upload"
    )
    both = client.post(
        "/bulletins/paste/",
        {
            "text": "Title",
            "upload": SimpleUploadedFile("a.eml", corpus_file("e03-reply-chain.eml")),
        },
    )
    assert refusal(both) == "Paste the update or upload a file, not both"


def test_an_import_that_takes_too_long_says_so(client, ncpp_officer, monkeypatch):
    monkeypatch.setattr(import_limits, "TIME_LIMIT_SECONDS", 0)
    client.force_login(ncpp_officer)
    response = upload(client, "update.docx", corpus_file("d01-heading-styles.docx"))
    assert "took longer than 0 seconds and was stopped" in refusal(response)
    assert not Bulletin.objects.exists()


def test_a_file_attached_on_the_check_page_is_saved_with_the_offered_ones(client, ncpp_officer):
    client.force_login(ncpp_officer)
    check = upload(client, "forwarded.eml", corpus_file("e01-forwarded-plain.eml"))
    plan = SimpleUploadedFile("site-plan.pdf", PDF_BYTES, content_type="application/pdf")

    response = client.post(
        "/bulletins/paste/", checked_draft(check, offered=["0"], attachment=plan), follow=True
    )

    bulletin = Bulletin.objects.get()
    assert sorted(a.filename for a in bulletin.attachments.all()) == [
        "site-plan.pdf",
        "vehicle-checks.pdf",
    ]
    assert "with site-plan.pdf and vehicle-checks.pdf attached" in response.content.decode()


def test_more_formatting_than_the_form_carries_falls_back_to_the_pasted_text(client, ncpp_officer):
    client.force_login(ncpp_officer)
    html = "<h1>Formatted title</h1><p>" + "x" * import_limits.MAX_HTML_CHARS + "</p>"
    response = client.post(
        "/bulletins/paste/", {"text": "Plain title\n\nPlain text of the update.", "html": html}
    )
    assert response.context["review"]["kind"] == "text"
    assert response.context["form"].initial["title"] == "Plain title"
