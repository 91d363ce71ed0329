"""Forms for scheduling, convening, changing, cancelling and answering calls."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from accounts.models import User
from bulletins.forms import AudienceFields
from portal import govuk_dates

from .models import Attendance, Call

CONVENE_IN = [
    ("0", "Now"),
    ("15", "In 15 minutes"),
    ("30", "In 30 minutes"),
    ("45", "In 45 minutes"),
    ("60", "In an hour"),
]


class CallFields(AudienceFields):
    """What every call is made of, whether scheduled or convened now."""

    no_sector_chosen = "Choose at least one sector, or invite all sectors."

    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter a title"},
        help_text="For example: National Bridge Call: festive period.",
    )
    duration_minutes = forms.IntegerField(
        label="Expected length, in minutes",
        min_value=5,
        max_value=480,
        initial=30,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the expected length in minutes",
            "invalid": "The expected length must be a whole number of minutes, like 30",
            "min_value": "The expected length must be at least 5 minutes",
            "max_value": "The expected length must be 8 hours (480 minutes) at most",
        },
    )
    agenda = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown. Its first line is the headline the invitation carries; the rest is "
        "on the call's page only.",
    )
    dial_in = forms.CharField(
        label="Dial-in number",
        max_length=40,
        required=False,
        help_text="Joining details are shown only on the call's page, to the people it is for: "
        "never in an email or a calendar file.",
    )
    conference_id = forms.CharField(label="Conference ID", max_length=40, required=False)
    pin = forms.CharField(label="PIN", max_length=20, required=False)
    meeting_link = forms.URLField(
        label="Online meeting link",
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter the meeting link as a full web address, https://…"},
    )

    def clean_meeting_link(self) -> str:
        link = self.cleaned_data["meeting_link"]
        if link and not link.startswith("https://"):
            raise forms.ValidationError("The meeting link must start with https://")
        return link

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("dial_in") or data.get("meeting_link")) and not self.has_error(
            "meeting_link"
        ):
            self.add_error(
                "dial_in", "Give a dial-in number or an online meeting link, so people can join."
            )
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "duration_minutes": data["duration_minutes"],
            **self.audience_fields(),
            "agenda": data["agenda"],
            "dial_in": data["dial_in"],
            "conference_id": data["conference_id"],
            "pin": data["pin"],
            "meeting_link": data["meeting_link"],
        }

    @staticmethod
    def initial_for(call: Call) -> dict:
        return {
            "title": call.title,
            "starts_at": call.starts_at,
            "duration_minutes": call.duration_minutes,
            "audience": "all" if call.all_sectors else "chosen",
            "sectors": list(call.sectors.all()),
            "agenda": call.agenda,
            "dial_in": call.dial_in,
            "conference_id": call.conference_id,
            "pin": call.pin,
            "meeting_link": call.meeting_link,
        }


class ScheduleForm(CallFields):
    starts_at = govuk_dates.DateTimeField(label="Start", called="The start")

    field_order = ["title", "starts_at", "duration_minutes", "audience", "sectors"]

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at is not None and starts_at <= timezone.now():
            raise forms.ValidationError("The start must be in the future")
        return starts_at

    def service_fields(self) -> dict:
        return {**super().service_fields(), "starts_at": self.cleaned_data["starts_at"]}


class ChangeForm(ScheduleForm):
    reason = forms.CharField(
        label="What changed, and why",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Everyone the call is for is emailed this, with the call's new details.",
        error_messages={"required": "Say what changed, and why"},
    )


class ConveneForm(CallFields):
    starts_in = forms.ChoiceField(
        choices=CONVENE_IN,
        widget=forms.RadioSelect,
        label="When does it start?",
        error_messages={"required": "Choose when the call starts"},
    )
    confirm = forms.BooleanField(
        label="Email everyone it is for now, marked as urgent, whatever their email choices",
        error_messages={"required": "Confirm that everyone it is for is to be emailed now"},
    )

    field_order = ["title", "starts_in", "duration_minutes", "audience", "sectors"]

    def service_fields(self) -> dict:
        minutes = int(self.cleaned_data["starts_in"])
        starts_at = (timezone.now() + timedelta(minutes=minutes)).replace(second=0, microsecond=0)
        return {**super().service_fields(), "starts_at": starts_at, "urgent": True}


class CancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Everyone the call is for is emailed this, and the call leaves their calendars.",
        error_messages={"required": "Give the reason for cancelling the call"},
    )
    confirm = forms.BooleanField(
        label="Cancel this call",
        error_messages={"required": "Confirm that you want to cancel this call"},
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=Attendance.Answer.choices,
        widget=forms.RadioSelect,
        label="Will you join?",
        error_messages={"required": "Choose whether you will join"},
    )
    deputy = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Which deputy will join?",
        help_text="A deputy of your own sector. They are emailed to say you have named them.",
        empty_label="Choose a deputy",
        error_messages={"invalid_choice": "You can only name a deputy of your own sector"},
    )

    def __init__(self, *args, deputies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies if deputies is not None else User.objects.none()
        self.fields["deputy"].label_from_instance = lambda person: person.name or person.email

    def clean(self) -> dict:
        data = super().clean()
        if data.get("answer") == Attendance.Answer.DEPUTY and not data.get("deputy"):
            if not self.has_error("deputy"):
                self.add_error("deputy", "Choose which deputy will join")
        return data


class RemindForm(forms.Form):
    confirm = forms.BooleanField(
        label="Email the people of these sectors now",
        error_messages={"required": "Confirm that you want to email these sectors"},
    )
