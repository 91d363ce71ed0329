import io
import re
import zipfile

import pytest

from bulletins.models import Bulletin, Marking
from bulletins.services import create_draft, publish_bulletin, withdraw_bulletin

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


ROW_LINK = re.compile(r'<a class="govuk-link" href="/bulletins/(\d+)/">')


def listed(response) -> list[int]:
    """The bulletins a list or search page shows, in order, read from the page as people see it."""
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.search(r'<tbody class="govuk-table__body">(.*?)</tbody>', html, re.S)
    return [int(pk) for pk in ROW_LINK.findall(rows.group(1))] if rows else []


def every_listed(client, path: str, params: dict | None = None) -> list[int]:
    """Every bulletin a list or search page shows, following its pages to the last."""
    found, number = [], 1
    while True:
        response = client.get(path, {**(params or {}), "page": number})
        found += listed(response)
        if 'rel="next"' not in response.content.decode():
            return found
        number += 1
