"""The morning digest, and reminders and escalation for bulletins that ask for action."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Sector, User
from bulletins.models import Bulletin, Reading

from .models import Alert

DIGEST_HOUR = 7
# Reminders are for current business: nothing older than this is chased.
REMINDER_HORIZON = timedelta(days=14)


def digest_window(day: date) -> tuple[datetime, datetime]:
    """From 07:00 UK time the day before to 07:00 on `day`."""
    zone = timezone.get_default_timezone()
    end = timezone.make_aware(datetime.combine(day, time(DIGEST_HOUR)), zone)
    start = timezone.make_aware(datetime.combine(day - timedelta(days=1), time(DIGEST_HOUR)), zone)
    return start, end


def routine_bulletins(day: date):
    """The routine bulletins (published, asking for no action) of the digest for `day`."""
    start, end = digest_window(day)
    return Bulletin.objects.filter(
        status=Bulletin.Status.PUBLISHED,
        action_required=False,
        published_at__gte=start,
        published_at__lt=end,
    )


def make_daily_digest(day: date | None = None) -> Alert | None:
    """Write the day's digest alert, if there is anything to send; None if there is not, or if
    another run wrote it first. Its deliveries are made, sent, retried and swept as any
    alert's are."""
    day = day or timezone.localdate()
    if not routine_bulletins(day).exists():
        return None
    try:
        with transaction.atomic():
            return Alert.objects.create(kind=Alert.Kind.DAILY_DIGEST, day=day)
    except IntegrityError:
        return None  # one digest a day: an earlier run made it


def digest_readers(alert: Alert, people: QuerySet[User]) -> QuerySet[User]:
    """Those of `people` with at least one of the day's routine bulletins addressed to them.

    Who chose the digest is the fan-out's question; this is the one a delivery asks again
    when its turn comes, so a person who left every sector since gets nothing.
    """
    bulletins = routine_bulletins(alert.day)
    memberships = Membership.objects.filter(user=OuterRef("pk"))
    if not bulletins.filter(all_sectors=True).exists():
        memberships = memberships.filter(
            sector__in=Bulletin.sectors.through.objects.filter(bulletin__in=bulletins).values(
                "sector"
            )
        )
    return people.filter(Exists(memberships))


def bulletins_for(day: date, user_ids: Iterable[int]) -> dict[int, list[Bulletin]]:
    """Each person's routine bulletins of the day, in order of publication: those addressed to
    all sectors, or to a sector they are in now."""
    bulletins = list(routine_bulletins(day).prefetch_related("sectors").order_by("published_at"))
    sectors_of: dict[int, set[int]] = {user_id: set() for user_id in user_ids}
    for user_id, sector_id in Membership.objects.filter(user__in=list(sectors_of)).values_list(
        "user_id", "sector_id"
    ):
        sectors_of[user_id].add(sector_id)
    return {
        user_id: [
            bulletin
            for bulletin in bulletins
            if sectors
            and (bulletin.all_sectors or sectors & {sector.pk for sector in bulletin.sectors.all()})
        ]
        for user_id, sectors in sectors_of.items()
    }


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
        acknowledged = Reading.objects.filter(
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
