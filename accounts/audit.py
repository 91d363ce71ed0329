"""Writing the audit log: one call per privileged act, inside the act's own transaction."""

import logging
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
        object_repr=str(target)[:300] if target is not None else "",
        changes=changes or {},
    )
