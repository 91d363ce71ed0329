import io
import zipfile

import pytest

from bulletins.models import Bulletin, Marking
from bulletins.services import (
    create_draft,
    publish_bulletin,
    withdraw_bulletin,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path) -> None:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "attachments"


def make_bulletin(
    author,
    *,
    title: str = "Advice for sector leads",
    status: str = Bulletin.Status.PUBLISHED,
    marking: str = Marking.GREEN,
    sectors=(),
    all_sectors: bool = False,
    send_alert: bool = False,
    **fields,
) -> Bulletin:
    """A bulletin made through the services, as staff would make it."""
    fields.setdefault("summary", f"Summary of {title}")
    bulletin = create_draft(
        author=author,
        title=title,
        marking=marking,
        all_sectors=all_sectors,
        sectors=list(sectors),
        **fields,
    )
    if status != Bulletin.Status.DRAFT:
        bulletin = publish_bulletin(bulletin, publisher=author, send_alert=send_alert)
    if status == Bulletin.Status.WITHDRAWN:
        bulletin = withdraw_bulletin(bulletin, reason="Out of date.", actor=author)
    return bulletin


@pytest.fixture
def signed_in(client):
    def sign_in(person):
        client.force_login(person)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    # The named people get a hashed password each; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
