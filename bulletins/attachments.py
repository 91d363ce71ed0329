"""Checking attachments: the type from the content, never the name; a size limit; a safe name."""

import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
FILENAME_MAX = 100


@dataclass(frozen=True)
class FileType:
    name: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", "application/pdf", (".pdf",))
PNG = FileType("PNG", "image/png", (".png",))
JPEG = FileType("JPEG", "image/jpeg", (".jpg", ".jpeg"))
DOCX = FileType(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileType(
    "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
ACCEPTED = "PDF, Word (.docx), Excel (.xlsx), PNG or JPEG"


def detect_type(upload: UploadedFile) -> FileType | None:
    """What the file is, judged by its first bytes (and, for Office files, the zip's entries)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
    return None


def safe_filename(name: str, file_type: FileType) -> str:
    """The name to offer on download: its last part, plain characters, the right extension."""
    name = unicodedata.normalize("NFKC", os.path.basename(name.replace("\\", "/")))
    stem, extension = os.path.splitext(name)
    stem = re.sub(r"[^A-Za-z0-9 ._()-]+", "_", stem).strip(" ._") or "attachment"
    if extension.lower() not in file_type.extensions:
        extension = file_type.extensions[0]
    return stem[: FILENAME_MAX - len(extension)] + extension.lower()


def stored_name(file_type: FileType) -> str:
    """A random name to store under: nothing of the original reaches the file system."""
    return secrets.token_hex(16) + file_type.extensions[0]


def check_upload(upload: UploadedFile) -> FileType:
    """The file's type; refuses one too large, of a type not accepted, or not what its name says."""
    if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
        megabytes = upload.size / (1024 * 1024)
        raise ValidationError(
            f"The file is {megabytes:.1f} MB: an attachment can be at most 20 MB.",
            code="too_large",
        )
    if not upload.size:
        raise ValidationError("The file is empty.", code="empty")
    file_type = detect_type(upload)
    if file_type is None:
        raise ValidationError(
            f"The file is not one of the types accepted: {ACCEPTED}.", code="type_refused"
        )
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in file_type.extensions:
        raise ValidationError(
            f"The file's name ends {extension or 'with no extension'}, but its content is a "
            f"{file_type.name}. Check it is the file you meant, and name it "
            f"{file_type.extensions[0]}.",
            code="type_mismatch",
        )
    return file_type
