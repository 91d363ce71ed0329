"""Writing the audit log: one call per privileged act, inside the act's own transaction.

And reading it: portal admins read every row, but not every object a row is about is theirs to
read. An app whose objects hold content that only some people may read (bulletins) registers
them here (register_restricted_objects): its rows then name such an object by a label that is
never its content, and a row about one the reader may not read is shown with only the keys
that say what was done (rows_for_reader), whatever an earlier release wrote into it.
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from allauth.account.adapter import get_adapter
from django.db import models
from django.http import HttpRequest

from .models import AuditEvent, User

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
