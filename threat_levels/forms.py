from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal import govuk_dates
from portal.text import clean_text

from .models import CURRENT_MEANINGS, ThreatLevel, ThreatLevelScope
from .services import check_threat_level_change


class ThreatLevelChangeForm(forms.Form):
    """The first step of recording a change: what, for where, from when, and why."""

    scope = forms.ModelChoiceField(
        queryset=ThreatLevelScope.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which threat level is changing?",
        error_messages={"required": "Choose which threat level is changing."},
    )
    level = forms.ChoiceField(
        choices=[(level.value, f"{level} – {CURRENT_MEANINGS[level]}") for level in ThreatLevel],
        widget=forms.RadioSelect,
        label="New level",
        error_messages={"required": "Choose the new level."},
    )
    effective_at = govuk_dates.DateTimeField(
        required=False,
        label="Takes effect (UK time)",
        called="The time it takes effect",
        help_text=(
            "Leave it empty for the moment you confirm. A later time schedules the change: "
            "it is shown, and published, when that time comes. For example, 27 3 2026 and "
            "14:30 (24-hour clock)."
        ),
    )
    note = forms.CharField(
        label="Public note",
        help_text="Why the level changed, in the words of the announcement. Everyone can read it.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the public note: why the level changed."},
    )
    correction = forms.BooleanField(
        required=False,
        label="This corrects the history: do not email anyone",
        help_text="Only for a past change that was not recorded at the time. It needs a time.",
    )

    def clean_note(self) -> str:
        # Pasted from Word, a note may carry characters the feed and CAP message cannot.
        note = clean_text(self.cleaned_data["note"]).strip()
        if not note:
            raise ValidationError("Write the public note: why the level changed.")
        return note

    def clean(self) -> dict:
        data = super().clean()
        effective_at = data.get("effective_at")
        if data.get("correction"):
            if effective_at is None:
                self.add_error("effective_at", "Give the time the corrected change took effect.")
            elif effective_at > timezone.now():
                self.add_error("effective_at", "A correction must be dated in the past.")
        if self.errors or data.get("scope") is None or not data.get("level"):
            return data
        try:
            check_threat_level_change(
                scope=data["scope"],
                level=data["level"],
                effective_at=effective_at or timezone.now(),
            )
        except ValidationError as error:
            self.add_error("level", error)
        return data


class ConfirmThreatLevelChangeForm(forms.Form):
    """The second step: the officer types the new level's name, so nothing happens by accident."""

    # Missing or stale, it gets the one message clean() gives: the page is out of date.
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    confirmation = forms.CharField(
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, level: str, token: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.level = level
        self.token = token
        self.fields["confirmation"].label = f"To confirm, type the new level: {level}"
        self.fields["confirmation"].error_messages["required"] = (
            f"Type {level} to confirm the change."
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("token") != self.token:
            raise ValidationError(
                "This page is out of date: another change was prepared since. Check it again."
            )
        return data

    def clean_confirmation(self) -> str:
        typed = self.cleaned_data["confirmation"].strip()
        if typed.upper() != self.level:
            raise ValidationError(f"Type {self.level} to confirm the change.")
        return typed
