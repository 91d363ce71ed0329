"""The morning digest, and reminders and escalation for bulletins that ask for action."""

import logging
from datetime import date, datetime, time, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Sector, User
from bulletins.models import Acknowledgement, Bulletin
from portal.emails import mail_host, make_message

from .messages import bulletin_context, list_id
from .models import Alert, Digest

logger = logging.getLogger(__name__)

DIGEST_HOUR = 7
# Reminders are for current business: nothing older than this is chased.
REMINDER_HORIZON = timedelta(days=14)


def digest_window(day: date) -> tuple[datetime, datetime]:
    """From 07:00 UK time the day before to 07:00 on `day`."""
    zone = timezone.get_default_timezone()
    end = timezone.make_aware(datetime.combine(day, time(DIGEST_HOUR)), zone)
    start = timezone.make_aware(datetime.combine(day - timedelta(days=1), time(DIGEST_HOUR)), zone)
    return start, end


def send_daily_digest(day: date | None = None) -> int:
    """Email each digest reader the routine bulletins of the past day that are theirs.

    Each (person, day) is claimed by creating its Digest row, so a second run of the job
    sends nothing again. Returns how many digests were sent.
    """
    day = day or timezone.localdate()
    start, end = digest_window(day)
    bulletins = list(
        Bulletin.objects.filter(
            status=Bulletin.Status.PUBLISHED,
            action_required=False,
            published_at__gte=start,
            published_at__lt=end,
        )
        .prefetch_related("sectors")
        .order_by("published_at")
    )
    if not bulletins:
        return 0
    readers = User.objects.filter(is_active=True, routine_alerts="digest")
    sectors_of: dict[int, set[int]] = {}
    for user_id, sector_id in Membership.objects.filter(user__in=readers).values_list(
        "user_id", "sector_id"
    ):
        sectors_of.setdefault(user_id, set()).add(sector_id)

    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        for person in readers.filter(pk__in=sectors_of).order_by("pk"):
            theirs = [
                bulletin
                for bulletin in bulletins
                if bulletin.all_sectors
                or sectors_of[person.pk] & {sector.pk for sector in bulletin.sectors.all()}
            ]
            if theirs and send_digest(person, day, theirs, connection):
                sent += 1
    finally:
        connection.close()
    return sent


def send_digest(person: User, day: date, bulletins: list[Bulletin], connection) -> bool:
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user=person, day=day)
    except IntegrityError:
        return False  # already sent, or being sent, by another run
    digest.bulletins.set(bulletins)
    message = make_message(
        "digest",
        person.email,
        {"day": day, "items": [bulletin_context(bulletin) for bulletin in bulletins]},
        {"List-Id": list_id()},
    )
    message.extra_headers["Message-ID"] = make_msgid(domain=mail_host())
    try:
        connection.send_messages([message])
    except Exception as error:
        # Give the day back, so the next run tries this person again.
        logger.warning("Digest for %s not sent: %s", person.pk, error)
        digest.delete()
        return False
    Digest.objects.filter(pk=digest.pk).update(
        sent_at=timezone.now(), message_id=message.extra_headers.get("Message-ID", "")
    )
    return True


def due_reminders(now: datetime) -> list[Alert]:
    """Write one reminder per action-required bulletin left unacknowledged past the wait."""
    remind_before = now - timedelta(hours=settings.ALERTS_REMINDER_AFTER_HOURS)
    due = Bulletin.objects.filter(
        status=Bulletin.Status.PUBLISHED,
        action_required=True,
        published_at__lte=remind_before,
        published_at__gte=now - REMINDER_HORIZON,
    ).exclude(alerts__kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER)
    made = []
    for bulletin in due:
        try:
            with transaction.atomic():
                made.append(
                    Alert.objects.create(
                        kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER, bulletin=bulletin
                    )
                )
        except IntegrityError:
            continue  # another run made it first
    return made


def due_escalations(now: datetime) -> list[Alert]:
    """After a further wait, tell the deputies of each sector whose lead has not acknowledged."""
    escalate_before = now - timedelta(hours=settings.ALERTS_ESCALATE_AFTER_HOURS)
    reminders = Alert.objects.filter(
        kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER,
        created_at__lte=escalate_before,
        bulletin__status=Bulletin.Status.PUBLISHED,
        bulletin__published_at__gte=now - REMINDER_HORIZON,
    ).select_related("bulletin")
    made = []
    for reminder in reminders:
        bulletin = reminder.bulletin
        sectors = Sector.objects.all() if bulletin.all_sectors else bulletin.sectors.all()
        acknowledged = Acknowledgement.objects.filter(
            bulletin=bulletin, acknowledged_at__isnull=False
        ).values("user")
        led = Membership.objects.filter(role=Membership.Role.LEAD, user__in=acknowledged)
        for sector in sectors.exclude(pk__in=led.values("sector")).exclude(
            escalation_alerts(bulletin)
        ):
            try:
                with transaction.atomic():
                    made.append(
                        Alert.objects.create(
                            kind=Alert.Kind.ACKNOWLEDGEMENT_ESCALATION,
                            bulletin=bulletin,
                            sector=sector,
                        )
                    )
            except IntegrityError:
                continue
    return made


def escalation_alerts(bulletin: Bulletin) -> Q:
    escalated = Alert.objects.filter(
        kind=Alert.Kind.ACKNOWLEDGEMENT_ESCALATION, bulletin=bulletin
    ).values("sector")
    return Q(pk__in=escalated)
