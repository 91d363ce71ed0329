"""Getting alerts to people: fan-out, sending in batches, retries and the sweep.

PostgreSQL is the truth and Redis only the conveyor. An Alert row is written with
the change it reports; `fan_out` turns it into one Delivery per recipient (unique,
so running it twice makes nothing new) and hands batches of delivery ids to
`send_batch`, which claims each delivery with a conditional update before sending
it, one message per recipient, over one SMTP connection. `sweep` re-queues
whatever the conveyor dropped.
"""

import logging
import random
import smtplib
import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import make_msgid, parseaddr
from itertools import islice

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from portal.emails import mail_host

from .digest import bulletins_for, digest_readers
from .messages import RenderedAlert, render_alert, render_digest
from .models import Alert, Delivery
from .permissions import alert_audience
from .sources import source_for

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
MAX_ATTEMPTS = 8


def stuck_after() -> timedelta:
    """A delivery claimed this long ago and still `sending` belonged to a worker that died."""
    return timedelta(seconds=settings.ALERTS_STUCK_AFTER_SECONDS)


def lost_after() -> timedelta:
    """An alert or delivery left waiting this long was dropped by the conveyor."""
    return timedelta(seconds=settings.ALERTS_LOST_AFTER_SECONDS)


def recipients(alert: Alert) -> Iterator[int]:
    """The ids of the people an alert goes to, streamed in id order."""
    people = User.objects.filter(is_active=True)
    if alert.kind == Alert.Kind.DAILY_DIGEST:
        people = people.filter(routine_alerts="digest")
    audience = entitled_among(alert, people)
    if is_routine(alert):
        # They read routine bulletins in the morning digest instead.
        audience = audience.exclude(routine_alerts="digest")
    return audience.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000)


def entitled_among(alert: Alert, people: QuerySet[User]) -> QuerySet[User]:
    """Those of `people` the alert may go to: everyone for a threat-level change, the
    bulletin's audience for a bulletin alert, those with a bulletin in it for a digest."""
    if alert.kind == Alert.Kind.THREAT_LEVEL_CHANGED:
        return people
    if alert.kind == Alert.Kind.DAILY_DIGEST:
        return digest_readers(alert, people)
    if source := source_for(alert.kind):
        return source.audience(alert, people)
    return alert_audience(alert, people)


def is_routine(alert: Alert) -> bool:
    """A newly published bulletin that asks for no action. Everything else is urgent."""
    return alert.kind == Alert.Kind.BULLETIN_PUBLISHED and not alert.bulletin.action_required


def chunked(items: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def is_due(alert: Alert) -> bool:
    """A scheduled threat-level change is announced when it takes effect, not before."""
    change = alert.threat_level_change
    return change is None or change.effective_at <= timezone.now()


def fan_out(alert_id: int, queue_batch: Callable[[list[int]], None]) -> int:
    """Make the alert's deliveries and queue them in batches; return how many batches.

    Safe to run twice, even at once: deliveries are unique per (alert, person), and a
    batch only sends what it manages to claim.
    """
    alert = (
        Alert.objects.select_related("threat_level_change", "bulletin").filter(pk=alert_id).first()
    )
    if alert is None or not is_due(alert):
        return 0
    # The audience is fixed when the alert first fans out: a retry reaches the same people.
    if alert.fanned_out_at is None:
        source = source_for(alert.kind)
        if source is not None and source.outside_recipients is not None:
            for chunk in chunked(source.outside_recipients(alert), 2000):
                Delivery.objects.bulk_create(
                    [Delivery(alert=alert, contact_key=key, address=email) for key, email in chunk],
                    ignore_conflicts=True,
                )
        for chunk in chunked(recipients(alert), 2000):
            Delivery.objects.bulk_create(
                [Delivery(alert=alert, user_id=user_id) for user_id in chunk],
                ignore_conflicts=True,
            )
        Alert.objects.filter(pk=alert.pk, fanned_out_at__isnull=True).update(
            fanned_out_at=timezone.now()
        )
    return queue_pending(Delivery.objects.filter(alert=alert), queue_batch)


def queue_pending(deliveries, queue_batch: Callable[[list[int]], None]) -> int:
    """Queue the pending deliveries among `deliveries` in batches, streamed from the database."""
    now = timezone.now()
    ids = (
        deliveries.filter(status__in=Delivery.TO_SEND, next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=2000)
    )
    batches = 0
    for batch in chunked(ids, BATCH_SIZE):
        Delivery.objects.filter(pk__in=batch).update(queued_at=now)
        queue_batch(batch)
        batches += 1
    return batches


def retry_delay(attempts: int) -> int:
    """Exponential backoff with jitter, always shorter than the broker's visibility timeout."""
    cap = settings.CELERY_MAX_RETRY_COUNTDOWN
    delay = min(cap, settings.ALERTS_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return int(min(cap, delay * random.uniform(0.8, 1.2)))


def is_temporary(error: Exception) -> bool:
    """4xx replies, dropped connections and timeouts are worth another try; 5xx are not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, smtplib.SMTPServerDisconnected | OSError | socket.timeout)


def describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values()
        )[:500]
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        if isinstance(reply, bytes):
            reply = reply.decode(errors="replace")
        return f"{error.smtp_code} {reply}"[:500]
    return f"{type(error).__name__}: {error}"[:500]


@dataclass
class BatchResult:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    # Delivery ids still to send after a temporary failure, and how long to wait.
    retry: list[int] = field(default_factory=list)
    retry_in: int = 0


def entitled(alert: Alert, user_ids: Iterable[int]) -> set[int]:
    """Those of `user_ids` the alert may still go to now, by the rule the fan-out used.

    The audience is fixed when an alert fans out, but a delivery may wait a long time (for a
    retry, the sweep, or an officer's retry of the failed), and people leave meanwhile.
    """
    people = User.objects.filter(pk__in=list(user_ids), is_active=True)
    return set(entitled_among(alert, people).values_list("pk", flat=True))


def cancellation_reason(alert: Alert, user_id: int, active: bool) -> str:
    if not active:
        return "Cancelled: the account was deactivated after the alert was made."
    if (
        alert.kind in (Alert.Kind.ACKNOWLEDGEMENT_REMINDER, Alert.Kind.ACKNOWLEDGEMENT_ESCALATION)
        and alert.bulletin_id is not None
        and alert.bulletin.readings.filter(user=user_id, acknowledged_at__isnull=False).exists()
    ):
        return "Cancelled: the bulletin was acknowledged after the reminder was made."
    if alert.kind == Alert.Kind.DAILY_DIGEST:
        return "Cancelled: none of the day's bulletins is still addressed to them."
    return (
        "Cancelled: no longer in the audience (removed from the sector since the alert was made)."
    )


def cancel_the_unentitled(rows: list[tuple[int, int, int | None, int | None]]) -> set[int]:
    """Cancel the deliveries, of (delivery, alert, person, contact key) `rows`, whose person is
    no longer entitled to them; return the ids of those cancelled."""
    people_of: dict[int, dict[int, int]] = {}
    contacts_of: dict[int, dict[int, int]] = {}
    for delivery_id, alert_id, user_id, contact_key in rows:
        if user_id is None:
            contacts_of.setdefault(alert_id, {})[contact_key] = delivery_id
        else:
            people_of.setdefault(alert_id, {})[user_id] = delivery_id
    cancelled = cancel_the_outside_unentitled(contacts_of)
    for alert in Alert.objects.select_related("bulletin").filter(pk__in=people_of):
        deliveries = people_of[alert.pk]
        left = set(deliveries) - entitled(alert, deliveries)
        if not left:
            continue
        active = dict(User.objects.filter(pk__in=left).values_list("pk", "is_active"))
        by_reason: dict[str, list[int]] = {}
        for user_id in left:
            reason = cancellation_reason(alert, user_id, active.get(user_id, False))
            by_reason.setdefault(reason, []).append(deliveries[user_id])
        for reason, ids in by_reason.items():
            Delivery.objects.filter(pk__in=ids).update(
                status=Delivery.Status.CANCELLED, last_error=reason
            )
            cancelled.update(ids)
        logger.info(
            "Alert %s: %s deliveries cancelled, people left its audience", alert.pk, len(left)
        )
    return cancelled


def cancel_the_outside_unentitled(contacts_of: dict[int, dict[int, int]]) -> set[int]:
    """The same for recipients outside the portal, asked of the app that made the alert."""
    cancelled: set[int] = set()
    for alert in Alert.objects.filter(pk__in=contacts_of):
        deliveries = contacts_of[alert.pk]
        source = source_for(alert.kind)
        if source is None or source.still_entitled is None:
            continue
        left = [
            deliveries[key]
            for key in set(deliveries) - source.still_entitled(alert, set(deliveries))
        ]
        if left:
            Delivery.objects.filter(pk__in=left).update(
                status=Delivery.Status.CANCELLED, last_error=source.left_reason
            )
            cancelled.update(left)
    return cancelled


def claim(delivery_ids: list[int]) -> list[Delivery]:
    """Take the batch's waiting deliveries for sending, in order.

    Rows another worker is claiming at this moment are skipped, not waited for; rows
    already sent or claimed are left alone. A claimed row that is never marked sent (the
    worker died) is released by the sweep. A row whose person is no longer entitled to the
    alert is cancelled instead, never sent.
    """
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(
                pk__in=delivery_ids,
                status__in=Delivery.TO_SEND,
                next_attempt_at__lte=timezone.now(),
            )
            .order_by("pk")
            .values_list("pk", "alert_id", "user_id", "contact_key")
        )
        cancelled = cancel_the_unentitled(rows)
        ids = [row[0] for row in rows if row[0] not in cancelled]
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    return list(
        Delivery.objects.filter(pk__in=ids)
        .select_related("user", "alert__bulletin", "alert__threat_level_change__scope")
        .order_by("pk")
    )


def send_batch(delivery_ids: list[int]) -> BatchResult:
    """Send each delivery as its own message over one SMTP connection.

    Each `sent` is recorded as soon as the server accepts the message, so a crash loses at
    most the message in flight. A temporary failure stops the batch: that delivery and the
    rest wait to be retried after a delay (the caller schedules it).
    """
    result = BatchResult()
    claimed = claim(delivery_ids)
    if not claimed:
        return result
    messages = Messages(claimed)
    connection = get_connection(fail_silently=False)
    opened = False
    try:
        for position, delivery in enumerate(claimed):
            try:
                alert_email = messages.for_delivery(delivery)
            except Exception as error:
                # A message that cannot be built will not build next time either.
                logger.exception("Could not build the message for delivery %s", delivery.pk)
                fail(delivery, describe(error), result)
                continue
            message_id = make_msgid(domain=mail_host())
            try:
                # Opened by hand, so that one connection carries the whole batch.
                if not opened:
                    connection.open()
                    opened = True
                send_one(connection, alert_email, delivery.recipient_email, message_id)
            except Exception as error:
                if is_temporary(error) and delivery.attempts < MAX_ATTEMPTS:
                    postpone(claimed[position:], error, result)
                    return result
                fail(delivery, describe(error), result)
                logger.warning("Delivery %s failed: %s", delivery.pk, describe(error))
                continue
            mark_sent(delivery.pk, message_id)
            result.sent.append(delivery.pk)
    finally:
        try:
            connection.close()
        except Exception:
            logger.debug("Closing the SMTP connection failed", exc_info=True)
    return result


class Messages:
    """The email of each delivery in a batch. An alert's email is the same for all its
    recipients, so it is built once; a digest's is each reader's own list of bulletins."""

    def __init__(self, claimed: list[Delivery]):
        self.by_alert: dict[int, RenderedAlert] = {}
        self.digest_items: dict[int, dict[int, list]] = {}
        for delivery in claimed:
            alert = delivery.alert
            if alert.kind == Alert.Kind.DAILY_DIGEST and alert.pk not in self.digest_items:
                readers = [other.user_id for other in claimed if other.alert_id == alert.pk]
                self.digest_items[alert.pk] = bulletins_for(alert.day, readers)

    def for_delivery(self, delivery: Delivery) -> RenderedAlert:
        alert = delivery.alert
        if alert.kind == Alert.Kind.DAILY_DIGEST:
            return render_digest(alert.day, self.digest_items[alert.pk][delivery.user_id])
        if alert.pk not in self.by_alert:
            self.by_alert[alert.pk] = render_alert(alert)
        if delivery.contact_key is not None:
            # Someone outside the portal: their own copy (their own unsubscribe link).
            source = source_for(alert.kind)
            if source is not None and source.render_to is not None:
                return source.render_to(alert, self.by_alert[alert.pk], delivery.contact_key)
        return self.by_alert[alert.pk]


def mark_sent(delivery_id: int, message_id: str) -> None:
    """Record one accepted message at once, so a crash loses at most the next one.

    This runs once per message on the hottest path of a fan-out, so it is one plain UPDATE
    rather than a query built by the ORM each time.
    """
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Delivery._meta.db_table} SET status = %s, message_id = %s, sent_at = %s, "
            "last_error = '' WHERE id = %s",
            [Delivery.Status.SENT.value, message_id, timezone.now(), delivery_id],
        )


def send_one(connection, alert_email: RenderedAlert, to: str, message_id: str) -> None:
    """One message to one person. Over SMTP the prepared bytes go straight to the server;
    other backends (the console, in the embedded default) get a built message."""
    data = alert_email.wire_bytes(to, message_id) if isinstance(connection, SMTPBackend) else None
    if data is not None:
        connection.connection.sendmail(parseaddr(settings.DEFAULT_FROM_EMAIL)[1], [to], data)
        return
    message = alert_email.message_to(to)
    message.extra_headers["Message-ID"] = message_id
    connection.send_messages([message])


def fail(delivery: Delivery, reason: str, result: BatchResult) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED_PERMANENT, last_error=reason
    )
    result.failed.append(delivery.pk)


def postpone(waiting: list[Delivery], error: Exception, result: BatchResult) -> None:
    """After a temporary failure, the failed delivery and the rest of the batch wait."""
    failed, rest = waiting[0], [delivery.pk for delivery in waiting[1:]]
    delay = retry_delay(failed.attempts)
    retry_at = timezone.now() + timedelta(seconds=delay)
    Delivery.objects.filter(pk=failed.pk).update(
        status=Delivery.Status.FAILED_TEMPORARY,
        last_error=describe(error),
        next_attempt_at=retry_at,
    )
    # Not sent, so not attempted: their claim is given back.
    Delivery.objects.filter(pk__in=rest).update(
        status=Delivery.Status.PENDING, next_attempt_at=retry_at, attempts=F("attempts") - 1
    )
    result.retry, result.retry_in = [failed.pk, *rest], delay
    logger.warning(
        "Temporary failure sending delivery %s, retrying %s in %ss: %s",
        failed.pk, len(result.retry), delay, describe(error),
    )  # fmt: skip


def sweep(queue_fan_out: Callable[[int], None], queue_batch: Callable[[list[int]], None]) -> dict:
    """Re-queue what the conveyor lost: alerts never fanned out, deliveries left pending,
    and deliveries stuck in `sending` by a worker that died."""
    now = timezone.now()
    lost, stuck = now - lost_after(), now - stuck_after()
    # Alerts never fanned out: lost on the way, or scheduled changes now in force (announced
    # on the sweep's first run after their time, not a "lost" wait later).
    lost_on_the_way = Q(created_at__lt=lost) & (
        Q(threat_level_change__isnull=True) | Q(threat_level_change__effective_at__lte=now)
    )
    scheduled_and_due = Q(
        threat_level_change__effective_at__gt=F("created_at"),
        threat_level_change__effective_at__lte=now,
    )
    alerts = list(
        Alert.objects.filter(fanned_out_at__isnull=True)
        .filter(lost_on_the_way | scheduled_and_due)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for alert_id in alerts:
        queue_fan_out(alert_id)
    # A message claimed by a worker that died may or may not have reached the mail server:
    # sending it again risks a duplicate, not sending it risks a loss. Loss is worse.
    released = Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=stuck).update(
        status=Delivery.Status.PENDING, next_attempt_at=now
    )
    dropped = Delivery.objects.filter(Q(queued_at__isnull=True) | Q(queued_at__lt=lost))
    batches = queue_pending(dropped, queue_batch)
    return {"alerts": len(alerts), "released": released, "batches": batches}


def retry_failed(alert: Alert) -> int:
    """Give permanently failed deliveries of an alert another go (after, say, a fixed address)."""
    return Delivery.objects.filter(alert=alert, status=Delivery.Status.FAILED_PERMANENT).update(
        status=Delivery.Status.PENDING, next_attempt_at=timezone.now(), attempts=0
    )
