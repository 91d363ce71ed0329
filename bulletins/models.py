from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone

from threat_levels.models import ThreatLevelChange

from .storage import PrivateStorage


class AlertKind(models.TextChoices):
    BULLETIN_PUBLISHED = "bulletin_published", "Bulletin published"
    BULLETIN_AMENDED = "bulletin_amended", "Bulletin amended"
    BULLETIN_WITHDRAWN = "bulletin_withdrawn", "Bulletin withdrawn"
    THREAT_LEVEL_CHANGED = "threat_level_changed", "Threat level changed"
    ACKNOWLEDGEMENT_REMINDER = "acknowledgement_reminder", "Acknowledgement reminder"
    ACKNOWLEDGEMENT_ESCALATION = "acknowledgement_escalation", "Escalation to sector deputies"


# The kinds of alert that are about a bulletin, and must say which. An acknowledgement
# reminder is about one too, but existing rows and tests make it without one, so the
# database only forbids it from pointing at a threat-level change.
BULLETIN_ALERT_KINDS = [
    "bulletin_published",
    "bulletin_amended",
    "bulletin_withdrawn",
    "acknowledgement_escalation",
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
        "Bulletin",
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
                ),
                name="alert_bulletin_matches_kind",
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
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED_TEMPORARY = "failed-temporary", "Failed, will retry"
        FAILED_PERMANENT = "failed-permanent", "Failed"
        # No longer entitled when its turn came (removed from the sector, deactivated): never sent.
        CANCELLED = "cancelled", "Cancelled"

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
        return f"{self.alert} to {self.user} ({self.status})"


class Marking(models.TextChoices):
    """The Traffic Light Protocol 2.0 handling markings, least restricted first."""

    CLEAR = "TLP:CLEAR", "TLP:CLEAR"
    GREEN = "TLP:GREEN", "TLP:GREEN"
    AMBER = "TLP:AMBER", "TLP:AMBER"
    AMBER_STRICT = "TLP:AMBER+STRICT", "TLP:AMBER+STRICT"
    RED = "TLP:RED", "TLP:RED"


# What each marking allows, in the words of TLP 2.0 (FIRST), shown wherever the marking is.
MARKING_WORDS = {
    Marking.CLEAR: "Recipients can spread this to the world; there is no limit on disclosure.",
    Marking.GREEN: "Limited disclosure: recipients can spread this within their community, "
    "but not via publicly accessible channels.",
    Marking.AMBER: "Limited disclosure: recipients can only spread this on a need-to-know basis "
    "within their organisation and its clients.",
    Marking.AMBER_STRICT: "Limited disclosure: recipients can only spread this on a need-to-know "
    "basis within their own organisation.",
    Marking.RED: "For the eyes and ears of individual recipients only, no further disclosure.",
}


class SearchVectorIndex(GinIndex):
    """A GIN index on PostgreSQL; a plain index elsewhere (SQLite has no GIN)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class Bulletin(models.Model):
    """One briefing from the NCPP office to the ISLs of all sectors or of chosen ones."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    Marking = Marking

    reference = models.CharField(
        max_length=20, unique=True, null=True, blank=True, help_text="Given when published."
    )
    title = models.CharField(max_length=200)
    summary = models.CharField(
        max_length=300, help_text="The short lede used in alerts: 300 characters at most."
    )
    body = models.TextField(blank=True, help_text="Markdown.")
    key_points = models.JSONField(default=list, blank=True)
    source_line = models.CharField(max_length=200, blank=True)
    marking = models.CharField(max_length=20, choices=Marking.choices, default=Marking.AMBER)
    all_sectors = models.BooleanField(default=False)
    sectors = models.ManyToManyField("accounts.Sector", blank=True, related_name="bulletins")
    action_required = models.BooleanField(default=False)
    valid_until = models.DateField(null=True, blank=True)
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bulletins_written"
    )
    publisher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bulletins_published",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    threat_level_at_publication = models.ForeignKey(
        ThreatLevelChange,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The national threat-level change in force when the bulletin was published.",
    )
    # Kept up to date by the service functions, on PostgreSQL only.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "withdrawn"]),
                name="bulletin_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(marking__in=Marking.values), name="bulletin_marking_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(reference__isnull=False, published_at__isnull=False),
                name="bulletin_published_has_reference",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | ~models.Q(withdrawn_reason=""),
                name="bulletin_withdrawn_has_reason",
            ),
        ]
        indexes = [
            SearchVectorIndex(fields=["search_vector"], name="bulletin_search_vector"),
            models.Index(fields=["status", "published_at"], name="bulletin_status_published"),
            # Who may see what (permissions.visible_bulletins) and the page count read this
            # narrow index alone, not the wide table (docs/performance.md).
            models.Index(fields=["status", "all_sectors", "id"], name="bulletin_visibility"),
            # The latest change to any bulletin, which cached page totals are stamped with.
            models.Index(fields=["updated_at"], name="bulletin_updated_at"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}" if self.reference else self.title

    def get_absolute_url(self) -> str:
        return reverse("bulletin_detail", args=[self.pk])

    @property
    def content_may_be_emailed(self) -> bool:
        """AMBER and above never go into an email body: the alert carries a link only."""
        return self.marking in (Marking.CLEAR, Marking.GREEN)

    @property
    def marking_words(self) -> str:
        return MARKING_WORDS[Marking(self.marking)]

    @property
    def marking_slug(self) -> str:
        """clear, green, amber, amber-strict or red: for the banner's colour."""
        return self.marking.removeprefix("TLP:").lower().replace("+", "-")

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    @property
    def is_past_valid_until(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()


class BulletinRevision(models.Model):
    """The text of a published bulletin before an amendment, with what changed."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    key_points = models.JSONField(default=list, blank=True)
    source_line = models.CharField(max_length=200, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    action_required = models.BooleanField(default=False)
    what_changed = models.TextField()
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    revised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-revised_at", "-id"]

    def __str__(self) -> str:
        return f"{self.bulletin} before {timezone.localtime(self.revised_at):%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """A file attached to a bulletin, served only through the bulletin's access rule."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=PrivateStorage(), upload_to="bulletins/", max_length=200)
    filename = models.CharField(max_length=120, help_text="The original name, made safe.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename


class Acknowledgement(models.Model):
    """A person's reading of one bulletin: first seen, acknowledged, cascaded."""

    bulletin = models.ForeignKey(
        Bulletin, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    first_read_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    cascaded_at = models.DateTimeField(null=True, blank=True)
    cascade_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bulletin", "user"], name="acknowledgement_one_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.bulletin}"


class ReferenceCounter(models.Model):
    """The last reference number given in a year. Only ever goes up: no reference is reused."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Digest(models.Model):
    """One person's morning email of the previous day's routine bulletins.

    Unique per person and day: a digest job that runs twice sends nothing twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    day = models.DateField()
    bulletins = models.ManyToManyField(Bulletin, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-day", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_one_per_person_per_day"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.day}"
