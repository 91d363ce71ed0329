from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class ThreatLevel(models.TextChoices):
    """The five UK terrorism threat levels, lowest first.

    The value is the level's official name, as announcements write it and as an
    officer types it to confirm a change.
    """

    LOW = "LOW", "LOW"
    MODERATE = "MODERATE", "MODERATE"
    SUBSTANTIAL = "SUBSTANTIAL", "SUBSTANTIAL"
    SEVERE = "SEVERE", "SEVERE"
    CRITICAL = "CRITICAL", "CRITICAL"

    @property
    def rank(self) -> int:
        """1 for LOW up to 5 for CRITICAL."""
        return list(ThreatLevel).index(self) + 1


# The official one-line meanings, announced to Parliament on 23 July 2019.
CURRENT_MEANINGS = {
    ThreatLevel.LOW: "an attack is highly unlikely",
    ThreatLevel.MODERATE: "an attack is possible but not likely",
    ThreatLevel.SUBSTANTIAL: "an attack is likely",
    ThreatLevel.SEVERE: "an attack is highly likely",
    ThreatLevel.CRITICAL: "an attack is highly likely in the near future",
}
# The meanings published with the levels from 1 August 2006 until then.
MEANINGS_BEFORE_JULY_2019 = {
    ThreatLevel.LOW: "an attack is unlikely",
    ThreatLevel.MODERATE: "an attack is possible but not likely",
    ThreatLevel.SUBSTANTIAL: "an attack is a strong possibility",
    ThreatLevel.SEVERE: "an attack is highly likely",
    ThreatLevel.CRITICAL: "an attack is expected imminently",
}
MEANINGS_CHANGED_ON = date(2019, 7, 23)


def official_meaning(level: str, at: datetime) -> str:
    """The official wording of `level` in force at the moment `at`.

    A change stores this with its row, so the history keeps the words that were
    published at the time.
    """
    if timezone.localdate(at) < MEANINGS_CHANGED_ON:
        return MEANINGS_BEFORE_JULY_2019[ThreatLevel(level)]
    return CURRENT_MEANINGS[ThreatLevel(level)]


class ThreatLevelScope(models.Model):
    """What a threat level is about, such as the UK as a whole or Northern Ireland."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Scopes are listed in this order, lowest first."
    )
    public = models.BooleanField(
        default=True,
        help_text="Shown to everyone and in the open feeds. Off: shown to signed-in people only.",
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ThreatLevelChange(models.Model):
    """One change of the threat level of a scope. Rows are only ever added.

    The level of a scope at a moment is that of its latest change whose
    effective time has passed by then.
    """

    scope = models.ForeignKey(ThreatLevelScope, on_delete=models.PROTECT, related_name="changes")
    level = models.CharField(max_length=12, choices=ThreatLevel.choices)
    meaning = models.CharField(
        max_length=200, help_text="The official meaning of the level when this change was made."
    )
    effective_at = models.DateTimeField(db_index=True)
    note = models.TextField(help_text="Why it changed, in the words of the announcement.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="threat_level_changes",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    is_correction = models.BooleanField(
        default=False,
        help_text="Added to the history after the fact: nobody was alerted.",
    )

    class Meta:
        ordering = ["-effective_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=ThreatLevel.values),
                name="threat_level_change_level_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(meaning=""), name="threat_level_change_meaning_given"
            ),
            models.CheckConstraint(
                condition=~models.Q(note=""), name="threat_level_change_note_given"
            ),
            # Two changes of one scope at the same instant would leave its level undefined.
            models.UniqueConstraint(
                fields=["scope", "effective_at"], name="threat_level_change_scope_moment_unique"
            ),
        ]

    def __str__(self) -> str:
        moment = timezone.localtime(self.effective_at)
        return f"{self.scope}: {self.level} from {moment:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return f"{reverse('threat_level_history')}#change-{self.pk}"

    @property
    def level_rank(self) -> int:
        return ThreatLevel(self.level).rank


class AlertKind(models.TextChoices):
    BULLETIN_PUBLISHED = "bulletin_published", "Bulletin published"
    BULLETIN_AMENDED = "bulletin_amended", "Bulletin amended"
    BULLETIN_WITHDRAWN = "bulletin_withdrawn", "Bulletin withdrawn"
    THREAT_LEVEL_CHANGED = "threat_level_changed", "Threat level changed"
    ACKNOWLEDGEMENT_REMINDER = "acknowledgement_reminder", "Acknowledgement reminder"


class Alert(models.Model):
    """Something happened that people must hear about.

    Written in the same transaction as the change it is about; the fan-out
    finds rows whose `fanned_out_at` is empty and sets it once it has made the
    deliveries.
    """

    Kind = AlertKind

    kind = models.CharField(max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts_created",
    )
    threat_level_change = models.ForeignKey(
        ThreatLevelChange,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AlertKind.values), name="alert_kind_valid"
            ),
            # A threat-level alert is about exactly one change, and only it points at one.
            models.CheckConstraint(
                condition=(
                    models.Q(kind="threat_level_changed", threat_level_change__isnull=False)
                    | (
                        ~models.Q(kind="threat_level_changed")
                        & models.Q(threat_level_change__isnull=True)
                    )
                ),
                name="alert_threat_level_change_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["threat_level_change"],
                condition=models.Q(threat_level_change__isnull=False),
                name="alert_one_per_threat_level_change",
            ),
        ]
        indexes = [
            # The fan-out and its sweep look for alerts not yet fanned out.
            models.Index(
                fields=["created_at"],
                condition=models.Q(fanned_out_at__isnull=True),
                name="alert_awaiting_fan_out",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class Delivery(models.Model):
    """One alert to one person by email, with its own progress.

    Unique per (alert, person), so a fan-out that runs twice makes nothing new; a worker
    claims a delivery by moving it from pending to sending with a conditional update.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED_TEMPORARY = "failed-temporary", "Failed, will retry"
        FAILED_PERMANENT = "failed-permanent", "Failed"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["alert", "pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="delivery_one_per_person"),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "pending",
                        "sending",
                        "sent",
                        "failed-temporary",
                        "failed-permanent",
                    ]
                ),
                name="delivery_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            ),
        ]
        indexes = [
            # The sweep's and the report's questions: what is waiting, what is stuck.
            models.Index(fields=["status", "next_attempt_at"], name="delivery_status_next"),
            models.Index(fields=["alert", "status"], name="delivery_alert_status"),
        ]

    def __str__(self) -> str:
        return f"{self.alert} to {self.user} ({self.status})"
