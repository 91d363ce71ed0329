"""Forms for writing, publishing, amending, withdrawing, reading and filtering bulletins."""

from django import forms

from accounts.models import Sector

from .attachments import ACCEPTED, check_upload
from .models import Bulletin, Marking

AUDIENCE_CHOICES = [("all", "All sectors"), ("chosen", "Chosen sectors only")]


def key_points_from_text(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ContentFields(forms.Form):
    """The fields a bulletin's text is made of, shared by drafts and amendments."""

    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The lede used in alerts and lists: 300 characters at most.",
    )
    source_line = forms.CharField(
        max_length=200, required=False, help_text="For example: Update from Safer London."
    )
    key_points = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One key point a line, in order.",
    )
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Markdown: ## for a section heading, - for a bullet, [words](https://…) "
        "for a link.",
    )
    action_required = forms.BooleanField(
        required=False,
        label="Action required: ask ISLs to acknowledge it",
    )
    valid_until = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Optional. After this date readers are told the advice may be out of date.",
    )

    def clean_key_points(self) -> list[str]:
        return key_points_from_text(self.cleaned_data["key_points"])

    @staticmethod
    def initial_for(bulletin: Bulletin) -> dict:
        return {
            "title": bulletin.title,
            "summary": bulletin.summary,
            "source_line": bulletin.source_line,
            "key_points": "\n".join(bulletin.key_points),
            "body": bulletin.body,
            "action_required": bulletin.action_required,
            "valid_until": bulletin.valid_until,
        }


class BulletinForm(ContentFields):
    marking = forms.ChoiceField(
        choices=Marking.choices,
        widget=forms.RadioSelect,
        label="Handling marking",
        help_text="TLP:AMBER and above are never put in an email: the alert carries a link only.",
    )
    audience = forms.ChoiceField(
        choices=AUDIENCE_CHOICES, widget=forms.RadioSelect, label="Who is it for?"
    )
    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For chosen sectors only.",
    )
    supersedes = forms.ModelChoiceField(
        queryset=Bulletin.objects.filter(status=Bulletin.Status.PUBLISHED),
        required=False,
        label="Supersedes",
        help_text="Optional: the published bulletin this one replaces.",
    )

    field_order = [
        "title",
        "summary",
        "source_line",
        "key_points",
        "body",
        "marking",
        "audience",
        "sectors",
        "action_required",
        "valid_until",
        "supersedes",
    ]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("audience") == "chosen" and not data.get("sectors"):
            self.add_error("sectors", "Choose at least one sector, or send it to all sectors.")
        return data

    def service_fields(self) -> dict:
        """The cleaned data as create_draft and update_draft take it."""
        data = self.cleaned_data
        all_sectors = data["audience"] == "all"
        return {
            "title": data["title"],
            "summary": data["summary"],
            "source_line": data["source_line"],
            "key_points": data["key_points"],
            "body": data["body"],
            "marking": data["marking"],
            "all_sectors": all_sectors,
            "sectors": [] if all_sectors else list(data["sectors"]),
            "action_required": data["action_required"],
            "valid_until": data["valid_until"],
            "supersedes": data["supersedes"],
        }

    @classmethod
    def initial_for(cls, bulletin: Bulletin) -> dict:
        return {
            **ContentFields.initial_for(bulletin),
            "marking": bulletin.marking,
            "audience": "all" if bulletin.all_sectors else "chosen",
            "sectors": list(bulletin.sectors.all()),
            "supersedes": bulletin.supersedes,
        }


class PasteForm(forms.Form):
    text = forms.CharField(
        label="Paste the update",
        widget=forms.Textarea(attrs={"rows": 20}),
        max_length=2_000_000,
        help_text="Copy the whole update from Word, an email or a web page and paste it here. "
        "You will see the draft it makes before anything is saved.",
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Attach a file", help_text=f"{ACCEPTED}; at most 20 MB.", allow_empty_file=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.file_type = check_upload(upload)
        return upload


class PublishForm(forms.Form):
    alert = forms.ChoiceField(
        choices=[
            ("yes", "Publish and email everyone it is for"),
            ("no", "Publish without an alert: a correction that needs no noise"),
        ],
        widget=forms.RadioSelect,
        label="Alert",
    )
    confirm = forms.BooleanField(
        label="I have checked the marking and the audience",
        error_messages={"required": "Confirm that you have checked the marking and the audience."},
    )


class AmendForm(ContentFields):
    what_changed = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Readers see this with the earlier text.",
    )
    realert = forms.BooleanField(
        required=False, label="Email everyone it is for about this amendment"
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Readers see it with the bulletin, and everyone it was for is emailed.",
    )
    confirm = forms.BooleanField(label="Withdraw this bulletin")


class CascadeForm(forms.Form):
    count = forms.IntegerField(
        min_value=0,
        max_value=100_000,
        label="How many organisations in your sector did you send it on to?",
    )


class FilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search words", max_length=200)
    sector = forms.ModelChoiceField(
        queryset=Sector.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label="Any sector",
    )
    marking = forms.ChoiceField(choices=[("", "Any marking"), *Marking.choices], required=False)
    status = forms.ChoiceField(choices=[], required=False)
    published_from = forms.DateField(
        required=False,
        label="Published from",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    published_to = forms.DateField(
        required=False,
        label="Published to",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, staff: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        statuses = [("", "Any status"), ("published", "Published"), ("withdrawn", "Withdrawn")]
        if staff:
            statuses.append(("draft", "Draft"))
        self.fields["status"].choices = statuses
