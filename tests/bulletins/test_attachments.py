import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from bulletins.attachments import MAX_ATTACHMENT_BYTES
from bulletins.models import Attachment, Bulletin
from tests.helpers import PDF_BYTES, PNG_BYTES, docx_bytes, make_bulletin


@pytest.fixture
def draft(ncpp_officer, retail):
    return make_bulletin(ncpp_officer, status=Bulletin.Status.DRAFT, sectors=[retail])


def draft_form(draft) -> dict:
    """The draft's form as its edit page holds it, ready to post back."""
    return {
        "title": draft.title, "summary": draft.summary, "source_line": draft.source_line,
        "key_points": "\n".join(draft.key_points), "body": draft.body, "marking": draft.marking,
        "audience": "all" if draft.all_sectors else "chosen",
        "sectors": [sector.pk for sector in draft.sectors.all()],
    }  # fmt: skip


def upload(client, draft, name, content, **changes):
    """Save the draft with a file chosen in its form, as the edit page does."""
    data = draft_form(draft) | changes | {"attachment": SimpleUploadedFile(name, content)}
    return client.post(f"/bulletins/{draft.pk}/edit/", data)


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("plan.pdf", PDF_BYTES, "application/pdf"),
        ("map.png", PNG_BYTES, "image/png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg"),
        (
            "notes.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_an_accepted_file_is_stored_privately(
    client, ncpp_officer, draft, name, content, content_type
):
    client.force_login(ncpp_officer)
    response = upload(client, draft, name, content)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    path = attachment.file.path
    assert path.startswith(str(settings.PRIVATE_STORAGE_ROOT))
    assert name.split(".")[0] not in path.rsplit("/", 1)[1]  # stored under a random name
    with pytest.raises(ValueError):
        _ = attachment.file.url  # no URL reaches it


@pytest.mark.parametrize(
    "name, content",
    [("plan.pdf", PNG_BYTES), ("map.png", PDF_BYTES), ("notes.docx", PDF_BYTES),
     ("report.xlsx", docx_bytes()), ("script.pdf", b"<script>alert(1)</script>"),
     ("evil.exe", b"MZ\x90\x00"), ("page.html", b"<html></html>")],
)  # fmt: skip
def test_a_file_whose_content_does_not_match_an_accepted_name_is_refused(
    client, ncpp_officer, draft, name, content
):
    client.force_login(ncpp_officer)
    response = upload(client, draft, name, content)
    assert response.status_code == 200  # the form again, with the error
    assert not Attachment.objects.exists()
    assert "govuk-error-summary" in response.content.decode()


def test_an_oversized_file_is_refused_with_a_clear_message(client, ncpp_officer, draft):
    client.force_login(ncpp_officer)
    content = PDF_BYTES + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(PDF_BYTES))
    response = upload(client, draft, "big.pdf", content)
    assert response.status_code == 200  # the form again, with the error
    assert "an attachment can be at most 20 MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_download_is_an_attachment_with_a_safe_name_and_no_sniffing(
    client, ncpp_officer, isl, draft
):
    client.force_login(ncpp_officer)
    upload(client, draft, '../../etc/"<script>alert(1)</script>".pdf', PDF_BYTES)
    attachment = Attachment.objects.get()
    assert "/" not in attachment.filename and "<" not in attachment.filename
    assert attachment.filename.endswith(".pdf")
    from bulletins.services import publish_bulletin

    publish_bulletin(draft, publisher=ncpp_officer, send_alert=False)
    client.force_login(isl)
    response = client.get(f"/bulletins/{draft.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "<" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert (
        AuditEvent.objects.filter(action="bulletin.attachment_downloaded", actor=isl).count() == 1
    )


def test_the_file_is_attached_with_the_drafts_unsaved_edits_in_one_save(
    client, ncpp_officer, draft
):
    """The defect: attaching was a second form, so the edits typed above it were lost."""
    client.force_login(ncpp_officer)

    response = upload(client, draft, "plan.pdf", PDF_BYTES, title="Edited before attaching")

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Edited before attaching"
    assert draft.attachments.get().filename == "plan.pdf"
    page = client.get(response["Location"]).content.decode()
    assert "The draft is saved, with plan.pdf attached." in page
    assert f'action="/bulletins/{draft.pk}/attachments/"' not in page  # no second form


def test_a_refused_file_keeps_every_edit_on_the_page(client, ncpp_officer, draft):
    client.force_login(ncpp_officer)

    response = upload(client, draft, "evil.exe", b"MZ\x90\x00", title="Typed, not yet saved")

    page = response.content.decode()
    assert 'value="Typed, not yet saved"' in page
    draft.refresh_from_db()
    assert draft.title != "Typed, not yet saved"  # nothing is saved while the file is refused


def test_a_new_draft_can_carry_its_file_from_the_first_save(client, ncpp_officer, retail):
    client.force_login(ncpp_officer)
    data = {
        "title": "With a map", "summary": "See the map.", "marking": "TLP:GREEN",
        "audience": "all", "attachment": SimpleUploadedFile("map.png", PNG_BYTES),
    }  # fmt: skip

    response = client.post("/bulletins/new/", data)

    assert response.status_code == 302
    assert Bulletin.objects.get().attachments.get().filename == "map.png"
