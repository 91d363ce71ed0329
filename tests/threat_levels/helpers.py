from datetime import datetime, timedelta

from django.utils import timezone

from threat_levels.models import ThreatLevelChange, ThreatLevelScope
from threat_levels.services import record_threat_level


def record(
    scope: ThreatLevelScope,
    level: str,
    effective_at: datetime | None = None,
    *,
    note: str = "A test change.",
    **kwargs,
) -> ThreatLevelChange:
    """Record a change through the one service that does it; a correction unless asked."""
    kwargs.setdefault("recorded_by", None)
    kwargs.setdefault("send_alert", False)
    return record_threat_level(
        scope=scope,
        level=level,
        effective_at=effective_at or timezone.now() - timedelta(seconds=1),
        note=note,
        **kwargs,
    )


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)
