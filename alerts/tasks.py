"""Celery tasks for alerts: thin, each calls plain functions of alerts.delivery and digest."""

from celery import shared_task

from portal.queueing import queue_safely

from . import delivery, digest


@shared_task
def fan_out_alert(alert_id: int) -> int:
    return delivery.fan_out(alert_id, queue_batch=lambda ids: queue_safely(send_deliveries, ids))


@shared_task
def send_deliveries(delivery_ids: list[int]) -> dict:
    result = delivery.send_batch(delivery_ids)
    if result.retry:
        send_deliveries.apply_async((result.retry,), countdown=result.retry_in)
    return {"sent": len(result.sent), "failed": len(result.failed), "retry": len(result.retry)}


@shared_task
def sweep_alerts() -> dict:
    return delivery.sweep(
        queue_fan_out=lambda alert_id: queue_safely(fan_out_alert, alert_id),
        queue_batch=lambda ids: queue_safely(send_deliveries, ids),
    )


@shared_task
def send_daily_digest() -> int | None:
    """Write the morning digest's alert and fan it out; its id, or None if there is none today."""
    alert = digest.make_daily_digest()
    if alert is None:
        return None
    queue_safely(fan_out_alert, alert.pk)
    return alert.pk


@shared_task
def send_acknowledgement_reminders() -> dict:
    """Write the reminder and escalation alerts that have fallen due, and fan them out."""
    from django.utils import timezone

    now = timezone.now()
    reminders = digest.due_reminders(now)
    escalations = digest.due_escalations(now)
    for alert in [*reminders, *escalations]:
        queue_safely(fan_out_alert, alert.pk)
    return {"reminders": len(reminders), "escalations": len(escalations)}
