"""Importing a sector's contacts from a CSV file: read and check it, show what it will do,
apply it all or nothing. The file is read by the membership import's own reader and guards
(accounts/imports.py): size, encoding, line length, unreadable CSV."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.forms import uk_phone_number
from accounts.imports import MAX_BYTES, MAX_ROWS, open_csv
from accounts.models import Sector, normalise_email

COLUMNS = ["organisation", "name", "email", "phone", "public_list"]
MAX_LENGTHS = {"organisation": 200, "name": 150, "email": 254}
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}

__all__ = ["MAX_BYTES", "MAX_ROWS", "ContactPreview", "parse_contacts_csv"]


@dataclass
class ContactPreview:
    rows: list[dict] = field(default_factory=list)
    # (row number, email as written, reason)
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    refusal: str = ""
    filename: str = ""
    added: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.refusal and not self.problems and bool(self.rows)


def parse_contacts_csv(file_bytes: bytes, sector: Sector) -> ContactPreview:
    """Read a contact list and check every row; nothing is written. The header is row 1."""
    preview = ContactPreview()
    records, preview.refusal = open_csv(file_bytes, COLUMNS)
    if records is None:
        return preview
    seen: dict[str, int] = {}
    for count, (number, cells, problem) in enumerate(records, start=1):
        if count > MAX_ROWS:
            preview.refusal = (
                f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files."
            )
            return preview
        if cells is None:
            preview.problems.append((number, "", problem))
            continue
        cells = [cell.strip() for cell in cells]
        reasons = []
        if any(cells[len(COLUMNS) :]):
            reasons.append(f"it has more than {len(COLUMNS)} columns")
        values = dict(zip(COLUMNS, (cells + [""] * len(COLUMNS))[: len(COLUMNS)], strict=True))
        for column in ("organisation", "name", "email"):
            if not values[column]:
                reasons.append(f"the {column} is missing")
        for column, limit in MAX_LENGTHS.items():
            if len(values[column]) > limit:
                reasons.append(f"the {column} is longer than {limit} characters")
        email = normalise_email(values["email"])
        if email:
            try:
                validate_email(email)
            except ValidationError:
                reasons.append(f"“{values['email']}” is not a valid email address")
            first = seen.setdefault(email.lower(), number)
            if first != number:
                reasons.append(f"it repeats row {first} (the same email address)")
        try:
            phone = uk_phone_number(values["phone"])
        except ValidationError:
            phone = ""
            reasons.append(f"“{values['phone']}” is not a UK phone number")
        flag = values["public_list"].lower()
        if flag not in YES | NO:
            reasons.append("public_list must be yes or no")
        if reasons:
            preview.problems.append((number, values["email"], "; ".join(reasons)))
            continue
        preview.rows.append(
            {"organisation": values["organisation"], "name": values["name"], "email": email,
             "phone": phone, "public_list": flag in YES}
        )  # fmt: skip
    if not preview.rows and not preview.problems:
        preview.refusal = "The file has a header row but no contacts in it."
    existing = {contact.email.lower(): contact for contact in sector.contacts.all()}
    for row in preview.rows:
        contact = existing.get(row["email"].lower())
        if contact is None:
            preview.added += 1
        elif any(getattr(contact, key) != value for key, value in row.items()):
            preview.changed += 1
        else:
            preview.unchanged += 1
    return preview
