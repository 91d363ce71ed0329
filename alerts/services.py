"""Writes of the alerts app that views, receivers and the periodic jobs call: an alert queued
for fan-out once its transaction commits, and failed deliveries given another go."""

from django.http import HttpRequest

from accounts.audit import record_audit
from accounts.models import User
from portal.queueing import enqueue_after_commit

from . import delivery
from .models import Alert


def queue_alert(alert: Alert) -> None:
    """Fan the alert out once the transaction that wrote it commits."""
    from .tasks import fan_out_alert

    enqueue_after_commit(fan_out_alert, alert.pk)


def retry_failed_deliveries(
    alert: Alert, *, actor: User, request: HttpRequest | None = None
) -> int:
    """Send the alert's permanently failed deliveries again (after, say, a fixed address);
    audited. Returns how many."""
    count = delivery.retry_failed(alert)
    if count:
        record_audit(
            "alert.retried", actor=actor, target=alert, changes={"deliveries": count},
            request=request,
        )  # fmt: skip
        queue_alert(alert)
    return count
