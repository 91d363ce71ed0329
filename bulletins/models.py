from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone

from threat_levels.models import ThreatLevelChange

from .storage import PrivateStorage


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


class SearchWord(models.Model):
    """A word in a bulletin's text: search's "did you mean" suggests words from those of the
    bulletins a person may see. Kept by bulletins.search.update_search_index."""

    # The unique constraint's index serves lookups by bulletin: no index of its own.
    bulletin = models.ForeignKey(
        Bulletin, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    word = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "word"], name="search_word_once_a_bulletin")
        ]

    def __str__(self) -> str:
        return self.word


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


class Reading(models.Model):
    """A person's reading of one bulletin: first seen, acknowledged, cascaded."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="readings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readings"
    )
    first_read_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    cascaded_at = models.DateTimeField(null=True, blank=True)
    cascade_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "user"], name="reading_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.bulletin}"


class ReferenceCounter(models.Model):
    """The last reference number given in a year. Only ever goes up: no reference is reused."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"
