"""Alerts of kinds that an app above alerts defines (bridge calls, calls/; cascades, cascades/).

alerts may not import those apps, so each tells alerts, when it is ready (its AppConfig.ready),
who an alert of each of its kinds goes to and what its email says. The fan-out, the sending,
the retries, the sweep and the report then treat those alerts exactly as every other.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import User

from .messages import RenderedAlert
from .models import Alert


@dataclass(frozen=True)
class AlertSource:
    # Those of the given people the alert goes to (asked at fan-out, and again at sending:
    # anyone no longer in it is not emailed).
    audience: Callable[[Alert, QuerySet[User]], QuerySet[User]]
    # The alert's email, the same for everyone it goes to.
    render: Callable[[Alert], RenderedAlert]
    # For alerts to people outside the portal (a sector's contacts), who have no account:
    # (key, address) of each recipient, streamed, at fan-out; which of the given keys may still
    # be sent to, at sending (the rest are cancelled with `left_reason`); and the email of one,
    # made from `render`'s (say, with the recipient's own unsubscribe link).
    outside_recipients: Callable[[Alert], Iterable[tuple[int, str]]] | None = None
    still_entitled: Callable[[Alert, set[int]], set[int]] | None = None
    render_to: Callable[[Alert, RenderedAlert, int], RenderedAlert] | None = None
    left_reason: str = "Cancelled: no longer a recipient since the alert was made."


_sources: dict[str, AlertSource] = {}


def register_alert_source(kinds: Iterable[str], source: AlertSource) -> None:
    for kind in kinds:
        if kind not in Alert.Kind.values:
            raise ValueError(f"Not a kind of alert: {kind!r}")
        _sources[kind] = source


def source_for(kind: str) -> AlertSource | None:
    return _sources.get(kind)
