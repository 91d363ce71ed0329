"""Writing the audit log: one call per privileged act, inside the act's own transaction.

And reading it: portal admins read every row, but not every object a row is about is theirs to
read. An app whose objects hold content that only some people may read (bulletins) registers
them here (register_restricted_objects): its rows then name such an object by a label that is
never its content, and a row about one the reader may not read is shown with only the keys
that say what was done (rows_for_reader), whatever an earlier release wrote into it.
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from allauth.account.adapter import get_adapter
from django.db import models
from django.http import HttpRequest

from portal.formats import uk_time

from .models import AuditEvent, Invitation, Sector, User

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, taken behind the trusted proxies only (allauth's rule)."""
    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:
        return None


def record_audit(
    action: str,
    *,
    actor: User | None,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_email: str = "",
) -> AuditEvent:
    """Append one row to the audit log.

    `action` is a dotted name such as "membership.added" or "threat_level.recorded";
    `changes` holds what changed, JSON-serialisable, e.g. {"role": ["member", "lead"]}.
    """
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=actor.email if actor is not None else actor_email,
        action=action,
        ip=client_ip(request),
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=_label(target)[:300] if target is not None else "",
        changes=changes or {},
    )


# --- Objects not every reader of the log may read -------------------------------------------


@dataclass(frozen=True)
class RestrictedObjects:
    """How the audit log speaks of one kind of object whose content is not every admin's."""

    # What a row names an object by: an identifier, never its content.
    label: Callable[[models.Model], str]
    # Of the objects with these ids (as rows keep them), those the person may not read,
    # each with its label.
    hidden_from: Callable[[User, set[str]], dict[str, str]]
    # The keys of a row's `changes` that say what was done, never what the object says.
    plain_keys: frozenset[str]


_restricted: dict[str, RestrictedObjects] = {}


def register_restricted_objects(
    object_type: str,
    *,
    label: Callable[[models.Model], str],
    hidden_from: Callable[[User, set[str]], dict[str, str]],
    plain_keys: Iterable[str],
) -> None:
    """Called by the app that owns `object_type` ("app_label.model") when it is ready."""
    _restricted[object_type] = RestrictedObjects(label, hidden_from, frozenset(plain_keys))


def _label(target: models.Model) -> str:
    restricted = _restricted.get(target._meta.label_lower)
    return restricted.label(target) if restricted else str(target)


def _withhold(events: list[AuditEvent], reader: User) -> list[AuditEvent]:
    """The rows as `reader` may read them: for each object they may not read, its label in
    place of what the row called it, and only the keys of `changes` that are not content,
    with the names of the others under "withheld". The rows are changed in memory only."""
    for object_type, restricted in _restricted.items():
        about = [event for event in events if event.object_type == object_type]
        if not about:
            continue
        hidden = restricted.hidden_from(reader, {event.object_id for event in about})
        for event in about:
            if event.object_id not in hidden:
                continue
            event.object_repr = hidden[event.object_id]
            changes = event.changes if isinstance(event.changes, dict) else {}
            kept = {key: value for key, value in changes.items() if key in restricted.plain_keys}
            withheld = sorted(key for key in changes if key not in restricted.plain_keys)
            if withheld or not isinstance(event.changes, dict):
                kept["withheld"] = ", ".join(withheld) or "details"
            event.changes = kept
    return events


def rows_for_reader(
    events: Iterable[AuditEvent], reader: User, batch_size: int = 500
) -> Iterator[AuditEvent]:
    """`events`, in order, as `reader` may read them (see _withhold), looked at in batches."""
    events = iter(events)
    while batch := list(islice(events, batch_size)):
        yield from _withhold(batch, reader)


# --- Reading it: the log in words ----------------------------------------------------------

# Every action the portal writes (tests/test_audit_words.py reads the code for record_audit
# calls and fails on one missing here).
ACTION_LABELS = {
    "admin.added": "Added in the Django admin",
    "admin.changed": "Changed in the Django admin",
    "admin.deleted": "Deleted in the Django admin",
    "alert.retried": "Failed emails sent again",
    "audit.exported": "Audit log downloaded",
    "auth.code_failed": "Wrong second-factor code",
    "auth.email_changed": "Email address changed",
    "auth.password_changed": "Password changed",
    "auth.password_reset": "Password reset",
    "auth.sign_in_failed": "Sign-in failed",
    "auth.signed_in": "Signed in",
    "auth.signed_out": "Signed out",
    "calendar_address.created": "Calendar address made",
    "calendar_address.revoked": "Calendar address revoked",
    "call.cancelled": "Bridge call cancelled",
    "call.changed": "Bridge call changed",
    "call.convened": "Bridge call convened now",
    "call.deputy_nominated": "Deputy named for a bridge call",
    "call.reminded": "Sectors reminded of a bridge call",
    "call.scheduled": "Bridge call scheduled",
    "call.update_started": "Update from a bridge call started",
    "contact.added": "Sector contact added",
    "contact.changed": "Sector contact changed",
    "contact.removed": "Sector contact removed",
    "contact.unsubscribed": "Sector contact unsubscribed",
    "contacts.exported": "Sector contacts downloaded",
    "contacts.imported": "Sector contacts imported",
    "bulletin.amended": "Bulletin amended",
    "bulletin.cascaded": "Bulletin cascaded to a sector's organisations",
    "bulletin.reach_exported": "Reach downloaded",
    "bulletin.attachment_downloaded": "Attachment downloaded",
    "bulletin.exported": "Readership downloaded",
    "bulletin.published": "Bulletin published",
    "bulletin.published_without_alert": "Bulletin published without an alert",
    "bulletin.withdrawn": "Bulletin withdrawn",
    "invitation.accepted": "Invitation accepted",
    "invitation.resent": "Invitation sent again",
    "invitation.revoked": "Invitation revoked",
    "invitation.sent": "Invitation sent",
    "membership.added": "Added to a sector",
    "membership.changed": "Sector role changed",
    "membership.imported": "Membership list imported",
    "membership.removed": "Removed from a sector",
    "mfa.added": "Second factor added",
    "mfa.removed": "Second factor removed",
    "mfa.reset": "Recovery codes replaced",
    "person.deactivated": "Person deactivated",
    "sector.created": "Sector created",
    "sector.renamed": "Sector renamed",
    "threat_level.recorded": "Threat level change recorded",
}

OBJECT_LABELS = {
    "accounts.user": "Person",
    "accounts.invitation": "Invitation",
    "accounts.membership": "Membership",
    "accounts.sector": "Sector",
    "bulletins.bulletin": "Bulletin",
    "threat_levels.threatlevelchange": "Threat level change",
    "alerts.alert": "Alert",
    "calls.call": "Bridge call",
    "cascades.contact": "Sector contact",
}

# What each key of `changes` is called; a key not here is written out from its name.
CHANGE_LABELS = {
    "user": "Person",
    "email": "Email address",
    "sector": "Sector",
    "sectors": "Sectors",
    "role": "Role",
    "kind": "Invited as",
    "group": "Group",
    "reset": "Taken from the earlier account",
    "reference": "Reference",
    "marking": "Marking",
    "audience": "Audience",
    "fields": "Parts changed",
    "alert": "Alert sent",
    "correction": "Correction of the history",
    "scope": "Scope",
    "level": "Level",
    "effective_at": "Takes effect",
    "type": "Second factor",
    "is_active": "Active",
    "is_staff": "Django admin access",
    "is_superuser": "Superuser",
    "groups_removed": "Groups removed",
    "memberships_removed": "Sector roles removed",
    "authenticators_removed": "Second factors removed",
    "sessions_ended": "Sessions ended",
    "invitations_revoked": "Invitations revoked",
    "filename": "File",
    "rows": "Rows",
    "added": "Added to sectors",
    "changed": "Roles changed",
    "invited": "Invitations sent",
    "deliveries": "Emails sent again",
    "date_from": "From",
    "date_to": "To",
    "name": "Name",
    "slug": "Web address",
    "withheld": "Withheld",
    "starts_at": "Starts",
    "sequence": "Calendar version",
    "deputy": "Deputy",
    "bulletin": "Bulletin",
    "organisations": "Organisations",
    "correction_sent": "Correction of an earlier cascade",
}
# Keys whose two-item list is a change: [before, after].
CHANGED_VALUES = {"role", "level", "email", "is_active", "is_staff", "is_superuser", "name"}
SECOND_FACTORS = {"totp": "authenticator app", "recovery_codes": "recovery codes",
                  "webauthn": "passkey"}  # fmt: skip
KINDS = dict(Invitation.Kind.choices)


@dataclass
class ChangeLine:
    """One line of a row's details: "Role: lead (was member)", or a heading over lines."""

    label: str
    text: str = ""
    lines: list["ChangeLine"] = field(default_factory=list)


class ChangeWords:
    """Writes the `changes` of audit rows as lines a person reads, sectors by their names."""

    def __init__(self) -> None:
        self.sectors = dict(Sector.objects.values_list("slug", "name"))

    def lines(self, event: AuditEvent) -> list[ChangeLine]:
        changes = event.changes if isinstance(event.changes, dict) else {"details": event.changes}
        every_value_changed = event.action == "admin.changed"
        return [
            self.line(key, value, changed=every_value_changed or key in CHANGED_VALUES)
            for key, value in changes.items()
        ]

    def line(self, key: str, value: Any, *, changed: bool = False) -> ChangeLine:
        label = CHANGE_LABELS.get(key, key.replace("_", " ").capitalize())
        if changed and isinstance(value, list) and len(value) == 2:
            before, after = (self.value(key, item) for item in value)
            return ChangeLine(label, f"{after} (was {before})")
        if isinstance(value, dict):
            if key == "sectors":
                lines = [ChangeLine(self.sector(slug), self.value("role", role))
                         for slug, role in value.items()]  # fmt: skip
            else:
                lines = [self.line(inner, item) for inner, item in value.items()]
            return ChangeLine(label, "" if lines else "none", lines)
        if isinstance(value, list) and any(isinstance(item, dict) for item in value):
            return ChangeLine(label, "" if value else "none", [self.item(item) for item in value])
        return ChangeLine(label, self.value(key, value))

    def item(self, value: Any) -> ChangeLine:
        """One of a list of records, such as {"sector": "retail", "role": "lead"}."""
        if isinstance(value, dict) and set(value) == {"sector", "role"}:
            return ChangeLine(self.sector(value["sector"]), self.value("role", value["role"]))
        return ChangeLine("", self.value("", value))

    def value(self, key: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "none"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(self.value(key, item) for item in value)
        if isinstance(value, dict):
            return ", ".join(f"{inner}: {self.value(inner, item)}" for inner, item in value.items())
        if key in ("sector", "sectors", "audience"):
            return self.sector(value)
        if key in ("type", "authenticators_removed"):
            return SECOND_FACTORS.get(value, str(value))
        if key == "kind":
            return KINDS.get(value, str(value))
        if key in ("effective_at", "starts_at") and isinstance(value, str):
            try:
                return uk_time(datetime.fromisoformat(value))
            except ValueError:
                return value
        return str(value)

    def sector(self, slug: Any) -> str:
        return self.sectors.get(slug, str(slug))


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def in_words(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """The rows, each with `action_label`, `object_label` and `change_lines` for the page."""
    words = ChangeWords()
    events = list(events)
    for event in events:
        event.action_label = action_label(event.action)
        event.object_label = OBJECT_LABELS.get(event.object_type, event.object_type)
        event.change_lines = words.lines(event)
    return events
