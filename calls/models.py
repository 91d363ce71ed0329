"""Bridge calls: NCPP convenes the ISLs of all sectors or of chosen ones, and they answer."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from threat_levels.models import ThreatLevelChange


class Call(models.Model):
    """One bridge call. Its joining details are for the people in its audience, on its page only:
    never in an email, a calendar file or the calendar feed."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    # The iCalendar UID: the same for every invitation, change and cancellation of this call, so
    # calendars update or remove their entry rather than add another.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField(db_index=True, help_text="Stored in UTC.")
    duration_minutes = models.PositiveSmallIntegerField()
    all_sectors = models.BooleanField(default=False)
    sectors = models.ManyToManyField("accounts.Sector", blank=True, related_name="calls")
    agenda = models.TextField(blank=True, help_text="Markdown.")
    # Joining details: restricted (see the class's docstring).
    dial_in = models.CharField(max_length=40, blank=True)
    conference_id = models.CharField(max_length=40, blank=True)
    pin = models.CharField(max_length=20, blank=True)
    meeting_link = models.URLField(max_length=500, blank=True)
    urgent = models.BooleanField(
        default=False, help_text="Convened now: goes to everyone at once, marked as urgent."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The iCalendar SEQUENCE: raised on each change and on cancellation.
    sequence = models.PositiveIntegerField(default=0)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calls_convened"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    threat_level_at_call = models.ForeignKey(
        ThreatLevelChange,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The national threat-level change in force when the call started.",
    )
    # The bulletin written from the call (bulletins knows nothing of calls).
    update = models.OneToOneField(
        "bulletins.Bulletin",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="from_call",
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["scheduled", "cancelled"]), name="call_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancelled_reason=""),
                name="call_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="call_duration_sensible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%d/%m/%Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("call_detail", args=[self.pk])

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def agenda_headline(self) -> str:
        """The agenda's first line, as plain words: what an invitation may say of it."""
        for line in self.agenda.splitlines():
            words = line.strip().lstrip("#*->0123456789. ").strip()
            if words:
                return words[:200]
        return ""


class Attendance(models.Model):
    """A person's answer to a call: they will join, their deputy will, or nobody will."""

    class Answer(models.TextChoices):
        JOINING = "joining", "I will join"
        DEPUTY = "deputy", "My deputy will join"
        CANNOT = "cannot", "I cannot join"

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_answers"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices)
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="call_nominations",
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["call", "user__name"]
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="attendance_one_per_person"),
            models.CheckConstraint(
                condition=models.Q(answer__in=["joining", "deputy", "cannot"]),
                name="attendance_answer_valid",
            ),
            # A deputy is named exactly when the answer is that the deputy will join.
            models.CheckConstraint(
                condition=models.Q(answer="deputy", deputy__isnull=False)
                | (~models.Q(answer="deputy") & models.Q(deputy__isnull=True)),
                name="attendance_deputy_matches_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} to {self.call}: {self.get_answer_display()}"


class CallAlert(models.Model):
    """What an alert about a call is about: the call, the calendar SEQUENCE it carries, and for
    some kinds the people or sectors it is for."""

    alert = models.OneToOneField(
        Alert, on_delete=models.CASCADE, primary_key=True, related_name="call_link"
    )
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="alert_links")
    sequence = models.PositiveIntegerField()
    # A deputy nomination: the deputy told.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A reminder, or the update's alert: the sectors that had nobody on the call.
    sectors = models.ManyToManyField("accounts.Sector", blank=True, related_name="+")
    # A cancellation sent only to the people a change took out of the audience.
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.alert} about {self.call}"


class CalendarToken(models.Model):
    """A person's private calendar subscription address. Only its hash is kept; replacing or
    revoking it stops the old address at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar address of {self.user}"
