"""Reads of the threat-level history: the change in force at a moment, and the levels in force
for each scope, worked out from the history and served from the cache (the banner's reading).

Every page shows it, so it is read from the cache; the cache is refreshed when
a change commits, and an entry never outlives the next scheduled change, so a
change recorded for later takes effect on time.
"""

import math
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from .models import ThreatLevelChange, ThreatLevelScope

CACHE_KEY = "threat-levels:in-force:v2"
# Even with no change scheduled an entry is rebuilt this often, so a refresh
# missed while the cache was unreachable heals by itself.
CACHE_SECONDS = 5 * 60


@dataclass(frozen=True)
class LevelInForce:
    """The level of one scope at one moment, with what a reader needs to understand it."""

    scope_name: str
    scope_slug: str
    scope_public: bool
    change_id: int
    level: str
    meaning: str
    since: datetime
    note: str


def change_in_force(scope: ThreatLevelScope | str, at: datetime) -> ThreatLevelChange | None:
    """The change of `scope` (a scope, or its slug) in force at the moment `at`, if any."""
    changes = ThreatLevelChange.objects.filter(effective_at__lte=at)
    if isinstance(scope, str):
        changes = changes.filter(scope__slug=scope)
    else:
        changes = changes.filter(scope=scope)
    return changes.order_by("-effective_at", "-id").first()


def change_before(change: ThreatLevelChange) -> ThreatLevelChange | None:
    """The change of the same scope that `change` replaced: the one in force just before it."""
    earlier = Q(effective_at__lt=change.effective_at) | Q(
        effective_at=change.effective_at, id__lt=change.id
    )
    return (
        ThreatLevelChange.objects.filter(earlier, scope=change.scope_id)
        .order_by("-effective_at", "-id")
        .first()
    )


def levels_in_force(at: datetime) -> list[LevelInForce]:
    """The level of every scope that has one at the moment `at`, in the scopes' order."""
    latest = (
        ThreatLevelChange.objects.filter(scope=OuterRef("scope"), effective_at__lte=at)
        .order_by("-effective_at", "-id")
        .values("pk")[:1]
    )
    changes = (
        ThreatLevelChange.objects.filter(pk=Subquery(latest))
        .select_related("scope")
        .order_by("scope__position", "scope__name")
    )
    return [
        LevelInForce(
            scope_name=change.scope.name,
            scope_slug=change.scope.slug,
            scope_public=change.scope.public,
            change_id=change.pk,
            level=change.level,
            meaning=change.meaning,
            since=change.effective_at,
            note=change.note,
        )
        for change in changes
    ]


def next_scheduled_change_at(after: datetime) -> datetime | None:
    """When the next change recorded for later takes effect, if any is."""
    return (
        ThreatLevelChange.objects.filter(effective_at__gt=after)
        .order_by("effective_at")
        .values_list("effective_at", flat=True)
        .first()
    )


def _build_entry(now: datetime) -> dict:
    # The token names this reading of the history: a page cached with the banner it gave
    # (portal/public_pages.py) is served only while the entry in the cache carries the same.
    return {
        "levels": levels_in_force(now),
        "valid_until": next_scheduled_change_at(now),
        "token": secrets.token_hex(8),
    }


def entry_is_current(entry: dict | None, now: datetime) -> bool:
    """Whether a cached entry may be used at `now`: present, of this format, not yet expired.

    The entry's own expiry is checked as well as the cache's, which counts in whole seconds.
    """
    return (
        entry is not None
        and "token" in entry
        and (entry["valid_until"] is None or now < entry["valid_until"])
    )


def _timeout(entry: dict, now: datetime) -> int:
    valid_until = entry["valid_until"]
    if valid_until is None:
        return CACHE_SECONDS
    return max(1, min(CACHE_SECONDS, math.ceil((valid_until - now).total_seconds())))


def cached_levels_in_force() -> list[LevelInForce]:
    """The levels in force now, with no database query while the cache holds them."""
    return current_entry()["levels"]


_UNREAD = object()


def current_entry(entry=_UNREAD) -> dict:
    """The cache's entry for now (`entry`, if the caller has just read it), made if need be."""
    now = timezone.now()
    if entry is _UNREAD:
        entry = cache.get(CACHE_KEY)
    if entry_is_current(entry, now):
        return entry
    fresh = _build_entry(now)
    if entry is None:
        # add, not set: a refresh that a commit made meanwhile must win over this read.
        cache.add(CACHE_KEY, fresh, _timeout(fresh, now))
    else:
        cache.set(CACHE_KEY, fresh, _timeout(fresh, now))
    return fresh


def refresh_cached_levels() -> None:
    """Replace the cached levels with the database's; run once a change commits."""
    now = timezone.now()
    fresh = _build_entry(now)
    cache.set(CACHE_KEY, fresh, _timeout(fresh, now))


def seconds_left(entry: dict) -> int:
    """How long something made from `entry` may be kept: no longer than the entry itself."""
    return _timeout(entry, timezone.now())


def entry_for(request) -> dict:
    """The entry for `request`: read from the cache once, however many parts of a page ask."""
    entry = getattr(request, "_portal_threat_levels", None)
    if entry is None:
        entry = request._portal_threat_levels = current_entry()
    return entry
