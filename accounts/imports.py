"""Importing a membership list from a CSV file: read and check it, show what will happen, apply it.

A file with any problem imports nothing: a portal admin fixes the file and uploads it again.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from .audit import record_audit
from .invitations import SectorRole, create_invitation
from .models import Invitation, Membership, Sector, User, normalise_email
from .services import add_member, change_member_role

COLUMNS = ["email", "name", "organisation", "sector", "role"]
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_LINE_LENGTH = 2000
REQUIRED = {"email": "email address", "name": "name", "sector": "sector", "role": "role"}
MAX_LENGTHS = {"email": 254, "name": 150, "organisation": 200}

INVITE = "invite"
ADD = "add"
CHANGE = "change"
UNCHANGED = "unchanged"
ACTION_LABELS = {
    INVITE: "New invitation",
    ADD: "Add to sector",
    CHANGE: "Change role",
    UNCHANGED: "No change",
}

CSV_ERRORS = {
    "unexpected end of data": "a quoted value is never closed: look for a stray quotation mark",
    "',' expected after '\"'": 'a quotation mark inside a quoted value is not doubled ("")',
}


@dataclass
class ImportRow:
    number: int
    email: str
    name: str
    organisation: str
    sector: Sector
    role: str
    action: str = ""
    current_role: str = ""

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, "")

    @property
    def role_label(self) -> str:
        return Membership.Role(self.role).label

    @property
    def current_role_label(self) -> str:
        return Membership.Role(self.current_role).label.lower() if self.current_role else ""


@dataclass
class RowProblem:
    number: int
    reason: str
    email: str = ""


@dataclass
class ImportPreview:
    """What a file would do, or why it cannot be imported.

    `refusal` is set when the file as a whole cannot be read; `problems` lists every invalid row.
    """

    rows: list[ImportRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    refusal: str = ""
    filename: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.refusal and not self.problems and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def count_add(self) -> int:
        return self.count(ADD)

    @property
    def count_change(self) -> int:
        return self.count(CHANGE)

    @property
    def count_unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def invitation_count(self) -> int:
        return len({row.email for row in self.rows if row.action == INVITE})

    def to_session(self) -> dict[str, Any]:
        """The checked rows, small enough to keep in the session between preview and apply."""
        return {
            "filename": self.filename,
            "rows": [
                [row.number, row.email, row.name, row.organisation, row.sector.pk, row.role]
                for row in self.rows
            ],
        }

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> "ImportPreview":
        """Rebuild a preview from the session, checked again against the database as it is now."""
        sectors = Sector.objects.in_bulk({item[4] for item in data["rows"]})
        preview = cls(filename=data.get("filename", ""))
        for number, email, name, organisation, sector_id, role in data["rows"]:
            sector = sectors.get(sector_id)
            if sector is None:
                preview.problems.append(
                    RowProblem(number, "its sector has been deleted since the upload", email)
                )
                continue
            preview.rows.append(ImportRow(number, email, name, organisation, sector, role))
        preview.problems += plan_rows(preview.rows)
        return preview


class _Lines:
    """The file's lines, counted as the csv reader takes them, so rows keep their line numbers."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.read = 0
        self.longest = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.read += 1
        self.longest = max(self.longest, len(line.rstrip("\r\n")))
        return line


def csv_records(text: str) -> Iterator[tuple[int, list[str] | None, str]]:
    """Each non-blank record: its first line's number, its cells (None if unreadable), a problem."""
    lines = _Lines(text)
    reader = csv.reader(lines, strict=True)
    while True:
        number = lines.read + 1
        lines.longest = 0
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            cells, problem = None, CSV_ERRORS.get(str(error), f"it is not valid CSV ({error})")
        else:
            problem = ""
        if lines.longest > MAX_LINE_LENGTH:
            cells, problem = None, f"the line is longer than {MAX_LINE_LENGTH:,} characters"
        if cells is not None and not any(cell.strip() for cell in cells):
            continue
        yield number, cells, problem


def header_message(columns: list[str], found: str) -> str:
    """What the first row must be, and what it is."""
    message = (
        f"The first row of the file must name the columns {','.join(columns)}, in that order, "
        "separated by commas."
    )
    return message + (f" This file's first row is: {found[:200]}" if found else "")


def open_csv(file_bytes: bytes, columns: list[str]) -> tuple[Iterator | None, str]:
    """The records after the header of an uploaded CSV file, or why it cannot be read: too
    large, not UTF-8, empty, or not the expected columns."""
    if len(file_bytes) > MAX_BYTES:
        return None, (
            "The file is larger than 2 MB. Split it into smaller files of at most "
            f"{MAX_ROWS:,} rows each and import them one at a time."
        )
    try:
        text = file_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, (
            "The file cannot be read as UTF-8. In Excel, save it as "
            "“CSV UTF-8 (Comma delimited)” and upload it again."
        )
    records = csv_records(text)
    header = next(records, None)
    if header is None:
        return None, "The file is empty. " + header_message(columns, "")
    _, header_cells, _ = header
    if header_cells is None or [cell.strip().lower() for cell in header_cells] != columns:
        return None, header_message(columns, ",".join(header_cells or []))
    return records, ""


def parse_membership_csv(file_bytes: bytes) -> ImportPreview:
    """Read a membership list and check every row against the database.

    Nothing is written. Row numbers are line numbers, as a spreadsheet shows them:
    the header is row 1.
    """
    preview = ImportPreview()
    records, preview.refusal = open_csv(file_bytes, COLUMNS)
    if records is None:
        return preview

    raw_rows = []
    for record in records:
        raw_rows.append(record)
        if len(raw_rows) > MAX_ROWS:
            preview.refusal = (
                f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files "
                "and import them one at a time."
            )
            return preview
    if not raw_rows:
        preview.refusal = "The file has a header row but no people in it."
        return preview

    sectors: dict[str, Sector] = {}
    for sector in Sector.objects.all():
        sectors[sector.slug.lower()] = sector
        sectors[sector.name.lower()] = sector
    seen: dict[tuple[str, int], int] = {}

    for number, cells, problem in raw_rows:
        if cells is None:
            preview.problems.append(RowProblem(number, problem))
            continue
        reasons = []
        cells = [cell.strip() for cell in cells]
        if any(cells[len(COLUMNS) :]):
            reasons.append(f"it has more than {len(COLUMNS)} columns")
        cells = (cells + [""] * len(COLUMNS))[: len(COLUMNS)]
        values = dict(zip(COLUMNS, cells, strict=True))
        email = normalise_email(values["email"])
        for column, label in REQUIRED.items():
            if not values[column]:
                reasons.append(f"the {label} is missing")
        for column, limit in MAX_LENGTHS.items():
            if len(values[column]) > limit:
                reasons.append(f"the {column} is longer than {limit} characters")
        if email and len(email) <= MAX_LENGTHS["email"]:
            try:
                validate_email(email)
            except ValidationError:
                reasons.append(f"“{values['email']}” is not a valid email address")
        sector = sectors.get(values["sector"].lower())
        if values["sector"] and sector is None:
            reasons.append(f"there is no sector called “{values['sector']}”")
        role = values["role"].lower()
        if values["role"] and role not in Membership.Role.values:
            reasons.append(f"“{values['role']}” is not a role: use lead, deputy or member")
        if email and sector is not None:
            first = seen.setdefault((email, sector.pk), number)
            if first != number:
                reasons.append(f"it repeats row {first} (the same person and sector)")
        if reasons:
            preview.problems.append(RowProblem(number, "; ".join(reasons), values["email"]))
            continue
        preview.rows.append(
            ImportRow(number, email, values["name"], values["organisation"], sector, role)
        )

    preview.problems += plan_rows(preview.rows)
    preview.problems.sort(key=lambda problem: problem.number)
    return preview


def plan_rows(rows: list[ImportRow]) -> list[RowProblem]:
    """Decide what each row will do, given who already has an account or an invitation."""
    emails = {row.email for row in rows}
    people = {user.email: user for user in User.objects.filter(email__in=emails)}
    roles = {
        (user_id, sector_id): role
        for user_id, sector_id, role in Membership.objects.filter(
            user__email__in=emails
        ).values_list("user_id", "sector_id", "role")
    }
    pending = set(
        Invitation.objects.filter(
            email__in=emails,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).values_list("email", flat=True)
    )
    problems = []
    for row in rows:
        person = people.get(row.email)
        if person is not None and person.is_active:
            current = roles.get((person.pk, row.sector.pk))
            row.current_role = current or ""
            if current is None:
                row.action = ADD
            elif current == row.role:
                row.action = UNCHANGED
            else:
                row.action = CHANGE
        elif row.email in pending:
            problems.append(
                RowProblem(
                    row.number,
                    f"{row.email} already has a pending invitation: resend or revoke it "
                    "on the invitations page, then import again",
                    row.email,
                )
            )
        else:
            row.action = INVITE
    return problems


@transaction.atomic
def apply_membership_import(
    preview: ImportPreview, *, actor: User, request: HttpRequest | None = None
) -> dict[str, int]:
    """Make every change the preview lists, or none of them. Returns the counts done."""
    if not preview.is_valid:
        raise ValidationError("The file has problems, so nothing was imported.")
    # The database may have changed since the preview was shown: check again.
    problems = plan_rows(preview.rows)
    if problems:
        raise ValidationError([f"Row {problem.number}: {problem.reason}" for problem in problems])

    people = {
        user.email: user
        for user in User.objects.filter(email__in={row.email for row in preview.rows})
    }
    memberships = {
        (membership.user_id, membership.sector_id): membership
        for membership in Membership.objects.filter(user__in=people.values())
    }
    invitations: dict[str, list[ImportRow]] = {}
    for row in preview.rows:
        if row.action == ADD:
            add_member(
                user=people[row.email], sector=row.sector, role=row.role, actor=actor,
                request=request,
            )  # fmt: skip
        elif row.action == CHANGE:
            membership = memberships[(people[row.email].pk, row.sector.pk)]
            change_member_role(membership, role=row.role, actor=actor, request=request)
        elif row.action == INVITE:
            invitations.setdefault(row.email, []).append(row)
    for email, rows in invitations.items():
        create_invitation(
            email=email,
            kind=Invitation.Kind.ISL,
            invited_by=actor,
            name=rows[0].name,
            organisation=rows[0].organisation,
            sectors=[SectorRole(row.sector, row.role) for row in rows],
            request=request,
        )

    summary = {
        "rows": len(preview.rows),
        "added": preview.count(ADD),
        "changed": preview.count(CHANGE),
        "unchanged": preview.count(UNCHANGED),
        "invited": len(invitations),
    }
    record_audit(
        "membership.imported",
        actor=actor,
        changes={"filename": preview.filename, **summary},
        request=request,
    )
    return summary
