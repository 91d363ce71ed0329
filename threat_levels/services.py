"""Writes to the threat-level history: each one transaction with its audit row."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import record_audit
from accounts.models import User
from portal.formats import uk_time
from portal.text import clean_text

from .models import ThreatLevel, ThreatLevelChange, ThreatLevelScope, official_meaning
from .selectors import change_in_force, refresh_cached_levels
from .signals import change_to_announce


def check_threat_level_change(
    *, scope: ThreatLevelScope, level: str, effective_at: datetime
) -> ThreatLevelChange | None:
    """Refuse a change that would not change anything; return the change it follows, if any.

    A change must differ from the level in force at its effective time, and from
    the next change already recorded after it (else that one would change nothing).
    """
    if level not in ThreatLevel.values:
        raise ValidationError("Choose one of the five threat levels.", code="invalid_level")
    changes = ThreatLevelChange.objects.filter(scope=scope)
    previous = change_in_force(scope, effective_at)
    if previous is not None and previous.effective_at == effective_at:
        raise ValidationError(
            f"A change for {scope} already takes effect at {uk_time(effective_at)}.",
            code="same_moment",
        )
    if previous is not None and previous.level == level:
        raise ValidationError(
            f"The threat level for {scope} is already {level} at that time "
            f"(since {uk_time(previous.effective_at)}). A change must change the level.",
            code="same_level",
        )
    following = changes.filter(effective_at__gt=effective_at).order_by("effective_at", "id").first()
    if following is not None and following.level == level:
        raise ValidationError(
            f"A change to {level} for {scope} is already recorded to take effect at "
            f"{uk_time(following.effective_at)}.",
            code="same_level_next",
        )
    return previous


def record_threat_level(
    *,
    scope: ThreatLevelScope,
    level: str,
    effective_at: datetime,
    note: str,
    recorded_by: User | None,
    send_alert: bool = True,
    request: HttpRequest | None = None,
    meaning: str | None = None,
) -> ThreatLevelChange:
    """Record a change of the threat level of `scope`.

    Writes the change, its Alert (unless `send_alert` is False: a correction of
    history, which must be dated in the past) and the audit row in one transaction,
    and refreshes the cached levels once it commits. The Alert is written by the
    alerts' receiver of `signals.change_to_announce`. `meaning` defaults to the
    official wording in force at `effective_at`.
    """
    # The note is published in the Atom feed and the CAP message: nothing XML cannot carry.
    note = clean_text(note).strip()
    if not note:
        raise ValidationError("Write the public note: why the level changed.", code="no_note")
    if timezone.is_naive(effective_at):
        raise ValueError("effective_at must be timezone-aware.")
    if not send_alert and effective_at > timezone.now():
        raise ValidationError(
            "Only a change in the past can be recorded as a correction without an alert.",
            code="correction_in_future",
        )

    with transaction.atomic():
        # One change of a scope at a time: a second waits here, then sees the first.
        scope = ThreatLevelScope.objects.select_for_update().get(pk=scope.pk)
        previous = check_threat_level_change(scope=scope, level=level, effective_at=effective_at)
        change = ThreatLevelChange.objects.create(
            scope=scope,
            level=level,
            meaning=clean_text(meaning or official_meaning(level, effective_at)),
            effective_at=effective_at,
            note=note,
            recorded_by=recorded_by,
            is_correction=not send_alert,
        )
        if send_alert:
            # The alerts app writes the change's Alert here, in this transaction.
            change_to_announce.send(
                sender=ThreatLevelChange, change=change, recorded_by=recorded_by
            )
        record_audit(
            "threat_level.recorded",
            actor=recorded_by,
            target=change,
            changes={
                "scope": scope.slug,
                "level": [previous.level if previous else None, level],
                "effective_at": effective_at.isoformat(),
                "alert": send_alert,
                "correction": not send_alert,
            },
            request=request,
        )
        transaction.on_commit(refresh_cached_levels, robust=True)
    return change
