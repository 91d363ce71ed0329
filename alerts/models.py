"""Alerts: what people must hear about, one delivery per person.

The morning digest is an alert too (one a day, one delivery per reader), so it is claimed,
retried, swept and reported exactly as every other alert is.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from threat_levels.models import ThreatLevelChange


class AlertKind(models.TextChoices):
    BULLETIN_PUBLISHED = "bulletin_published", "Bulletin published"
    BULLETIN_AMENDED = "bulletin_amended", "Bulletin amended"
    BULLETIN_WITHDRAWN = "bulletin_withdrawn", "Bulletin withdrawn"
    THREAT_LEVEL_CHANGED = "threat_level_changed", "Threat level changed"
    ACKNOWLEDGEMENT_REMINDER = "acknowledgement_reminder", "Acknowledgement reminder"
    ACKNOWLEDGEMENT_ESCALATION = "acknowledgement_escalation", "Escalation to sector deputies"
    DAILY_DIGEST = "daily_digest", "Morning digest"
    # Bridge calls (the calls app registers who each goes to and what it says: alerts/sources.py).
    CALL_INVITATION = "call_invitation", "Bridge call invitation"
    CALL_CONVENED = "call_convened", "Urgent bridge call"
    CALL_CHANGED = "call_changed", "Bridge call changed"
    CALL_CANCELLED = "call_cancelled", "Bridge call cancelled"
    CALL_DEPUTY_NOMINATED = "call_deputy_nominated", "Deputy nominated for a bridge call"
    CALL_REMINDER = "call_reminder", "Bridge call reminder to sectors with nobody"
    CALL_UPDATE_PUBLISHED = "call_update_published", "Update from a bridge call"
    # A bulletin passed on by an ISL to their sector's contacts (cascades/ registers it).
    BULLETIN_CASCADE = "bulletin_cascade", "Bulletin cascaded to a sector's organisations"


# The kinds of alert that are about a bulletin, and must say which. An acknowledgement
# reminder is about one too, but existing rows and tests make it without one, so the
# database only forbids it from pointing at a threat-level change.
BULLETIN_ALERT_KINDS = [
    "bulletin_published",
    "bulletin_amended",
    "bulletin_withdrawn",
    "acknowledgement_escalation",
]

# The kinds of alert about a bridge call: about no bulletin or threat-level change here (the
# calls app links each to its call).
CALL_ALERT_KINDS = [
    "call_invitation",
    "call_convened",
    "call_changed",
    "call_cancelled",
    "call_deputy_nominated",
    "call_reminder",
    "call_update_published",
]


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
    bulletin = models.ForeignKey(
        "bulletins.Bulletin",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    note = models.TextField(
        blank=True,
        help_text="What changed, for an amendment; the reason, for a withdrawal.",
    )
    sector = models.ForeignKey(
        "accounts.Sector",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For an escalation: the sector whose lead has not acknowledged.",
    )
    day = models.DateField(
        null=True,
        blank=True,
        help_text="For a morning digest: the day it is for (the routine bulletins of the "
        "24 hours to 07:00 that day).",
    )

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
            # A bulletin alert is about one bulletin; a threat-level alert is about none.
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=BULLETIN_ALERT_KINDS, bulletin__isnull=False)
                    | models.Q(kind="acknowledgement_reminder")
                    | models.Q(kind="threat_level_changed", bulletin__isnull=True)
                    | models.Q(kind="daily_digest", bulletin__isnull=True)
                    | models.Q(kind__in=CALL_ALERT_KINDS, bulletin__isnull=True)
                    # The cascades app links a cascade to its bulletin: the bulletin's own
                    # alerts (and their counts on its page) stay the ISLs' alerts only.
                    | models.Q(kind="bulletin_cascade", bulletin__isnull=True)
                ),
                name="alert_bulletin_matches_kind",
            ),
            # A digest is for one day, and only a digest names a day; one digest a day.
            models.CheckConstraint(
                condition=models.Q(kind="daily_digest", day__isnull=False)
                | (~models.Q(kind="daily_digest") & models.Q(day__isnull=True)),
                name="alert_day_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["day"],
                condition=models.Q(kind="daily_digest"),
                name="alert_one_digest_per_day",
            ),
            models.UniqueConstraint(
                fields=["threat_level_change"],
                condition=models.Q(threat_level_change__isnull=False),
                name="alert_one_per_threat_level_change",
            ),
            # Escalation goes to a sector's deputies, once per bulletin and sector.
            models.CheckConstraint(
                condition=~models.Q(kind="acknowledgement_escalation")
                | models.Q(sector__isnull=False),
                name="alert_escalation_names_a_sector",
            ),
            models.UniqueConstraint(
                fields=["bulletin", "sector"],
                condition=models.Q(kind="acknowledgement_escalation"),
                name="alert_one_escalation_per_bulletin_and_sector",
            ),
            models.UniqueConstraint(
                fields=["bulletin"],
                condition=models.Q(kind="acknowledgement_reminder"),
                name="alert_one_reminder_per_bulletin",
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

    The person is a portal user, or someone outside the portal that the app defining the
    alert's kind knows by a key (a sector's contact, cascades/): then `contact_key` and
    `address` say who, and alerts never needs to know that app.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED_TEMPORARY = "failed-temporary", "Failed, will retry"
        FAILED_PERMANENT = "failed-permanent", "Failed"
        # No longer entitled when its turn came (removed from the sector, deactivated): never sent.
        CANCELLED = "cancelled", "Cancelled"

    # "Waiting", wherever the portal says it (the Alerts sent page and its report): neither sent,
    # nor failed for good, nor cancelled; still to be sent, or being sent now.
    WAITING = [Status.PENDING, Status.SENDING, Status.FAILED_TEMPORARY]
    # Of those, the ones a sender may claim (a "sending" one is already claimed; the sweep
    # releases it if its worker died).
    TO_SEND = [Status.PENDING, Status.FAILED_TEMPORARY]

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    contact_key = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="For a recipient outside the portal: its id in the app that made the alert.",
    )
    address = models.EmailField(
        max_length=254, blank=True, help_text="For a recipient outside the portal: the address."
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
            models.UniqueConstraint(
                fields=["alert", "contact_key"],
                condition=models.Q(contact_key__isnull=False),
                name="delivery_one_per_contact",
            ),
            # A portal user, or a recipient outside it with an address: one or the other.
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, contact_key__isnull=True, address="")
                | (models.Q(user__isnull=True, contact_key__isnull=False) & ~models.Q(address="")),
                name="delivery_user_or_contact",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "pending",
                        "sending",
                        "sent",
                        "failed-temporary",
                        "failed-permanent",
                        "cancelled",
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
            # The health check counts the last day's deliveries.
            models.Index(fields=["created_at"], name="delivery_created_at"),
        ]

    def __str__(self) -> str:
        return f"{self.alert} to {self.user or self.address} ({self.status})"

    @property
    def recipient_email(self) -> str:
        return self.address or self.user.email
