"""Threat levels: the scopes a level is published for and the history of their changes."""

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

    @property
    def colours(self) -> tuple[str, str]:
        """(background, text) of the level's tag, wherever it is shown: pages, chart, emails."""
        return LEVEL_COLOURS[self]


# One ordered scale: each level's background is darker than the one below it (pale green, pale
# yellow, light orange, then strong orange-red and dark red), so a higher level never looks
# milder than a lower one. Every pair has AA contrast (6:1 or better). The stylesheet
# (assets/scss/_threat-level.scss) uses the same values, and a test checks they match; the
# level's name and "n of 5" always go with the colour.
LEVEL_COLOURS = {
    "LOW": ("#e3f1e8", "#005a30"),
    "MODERATE": ("#fbe88a", "#594d00"),
    "SUBSTANTIAL": ("#f8c58e", "#6e3619"),
    "SEVERE": ("#a63d17", "#ffffff"),
    "CRITICAL": ("#6f0e06", "#ffffff"),
}


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
