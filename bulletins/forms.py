"""Forms for writing, publishing, amending, withdrawing, reading and filtering bulletins."""

from django import forms

from accounts.models import Sector
from portal import govuk_dates

from .attachments import ACCEPTED, check_upload
from .importing import limits as import_limits
from .models import Bulletin, Marking

AUDIENCE_CHOICES = [("all", "All sectors"), ("chosen", "Chosen sectors only")]


class AudienceFields(forms.Form):
    """Who something is for: all sectors, or chosen ones (bulletins, and bridge calls)."""

    audience = forms.ChoiceField(
        choices=AUDIENCE_CHOICES,
        widget=forms.RadioSelect,
        label="Who is it for?",
        error_messages={"required": "Choose who it is for"},
    )
    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For chosen sectors only.",
    )
    no_sector_chosen = "Choose at least one sector, or send it to all sectors."

    def clean(self) -> dict:
        data = super().clean()
        if data.get("audience") == "chosen" and not data.get("sectors"):
            self.add_error("sectors", self.no_sector_chosen)
        return data

    def audience_fields(self) -> dict:
        """all_sectors and sectors, as the services take them."""
        all_sectors = self.cleaned_data["audience"] == "all"
        return {
            "all_sectors": all_sectors,
            "sectors": [] if all_sectors else list(self.cleaned_data["sectors"]),
        }


def key_points_from_text(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ContentFields(forms.Form):
    """The fields a bulletin's text is made of, shared by drafts and amendments."""

    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    summary = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The lede used in alerts and lists: 300 characters at most.",
        error_messages={"required": "Enter a summary"},
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
    valid_until = govuk_dates.DateField(
        required=False,
        label="Valid until",
        help_text="Optional. After this date readers are told the advice may be out of date. "
        "For example, 27 3 2026",
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


class BulletinForm(AudienceFields, ContentFields):
    marking = forms.ChoiceField(
        choices=Marking.choices,
        widget=forms.RadioSelect,
        label="Handling marking",
        help_text="TLP:AMBER and above are never put in an email: the alert carries a link only.",
        error_messages={"required": "Choose a handling marking"},
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
        "attachment",
    ]

    # In the draft's own form, so a file is attached when the draft is saved and nothing typed
    # is lost to a second form.
    attachment = forms.FileField(
        required=False,
        label="Attach a file",
        help_text=f"Optional. {ACCEPTED}; at most 20 MB. It is attached when you save the draft.",
        allow_empty_file=True,
    )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        self.attachment_type = check_upload(upload) if upload else None
        return upload

    def service_fields(self) -> dict:
        """The cleaned data as create_draft and update_draft take it."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "source_line": data["source_line"],
            "key_points": data["key_points"],
            "body": data["body"],
            "marking": data["marking"],
            **self.audience_fields(),
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
    """An update to import: pasted text (with the clipboard's HTML, if any) or a file."""

    text = forms.CharField(
        label="Paste the update",
        widget=forms.Textarea(attrs={"rows": 20}),
        max_length=import_limits.MAX_PASTE_CHARS,
        required=False,
        help_text="Copy the whole update from Word, an email or a web page and paste it here. "
        "You will see the draft it makes before anything is saved.",
    )
    # Filled by a script with the clipboard's text/html when the text is pasted: lists, headings
    # and tables arrive as they were. Sanitised before it is read (bulletins/importing/sources.py).
    html = forms.CharField(
        required=False,
        widget=forms.HiddenInput(attrs={"data-max-chars": str(import_limits.MAX_HTML_CHARS)}),
    )
    upload = forms.FileField(
        label="Or upload a file",
        required=False,
        widget=forms.FileInput(
            attrs={
                "accept": ".docx,.eml,.msg",
                "data-max-bytes": str(import_limits.MAX_UPLOAD_BYTES),
            }
        ),
        help_text="A Word document (.docx), an email saved as .eml, or an Outlook email (.msg); "
        f"at most {import_limits.MAX_UPLOAD_BYTES // import_limits.MB} MB.",
    )

    def clean_html(self) -> str:
        # More formatting than the form may carry: the plain text, which came with it, is used.
        html = self.cleaned_data.get("html") or ""
        return "" if len(html) > import_limits.MAX_HTML_CHARS else html

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload and upload.size > import_limits.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / import_limits.MB:.1f} MB: a file to import can be at "
                f"most {import_limits.MAX_UPLOAD_BYTES // import_limits.MB} MB."
            )
        return upload

    def clean(self) -> dict:
        data = super().clean()
        if "upload" in self.errors or "text" in self.errors:
            return data
        if not data.get("upload") and not (data.get("text") or "").strip():
            self.add_error("text", "Paste the update, or choose a file to upload")
        elif data.get("upload") and (data.get("text") or "").strip():
            self.add_error("upload", "Paste the update or upload a file, not both")
        return data

    def source(self) -> dict:
        """What to import, as bulletins.importing.import_source takes it."""
        data = self.cleaned_data
        if data.get("upload"):
            upload = data["upload"]
            return {"filename": upload.name or "", "data": upload.read()}
        return {"text": data["text"], "html": data.get("html") or ""}


class PublishForm(forms.Form):
    alert = forms.ChoiceField(
        choices=[
            ("yes", "Publish and email everyone it is for"),
            ("no", "Publish without an alert: a correction that needs no noise"),
        ],
        widget=forms.RadioSelect,
        label="Alert",
        error_messages={"required": "Choose whether to email everyone it is for"},
    )
    confirm = forms.BooleanField(
        label="I have checked the marking and the audience",
        error_messages={"required": "Confirm that you have checked the marking and the audience."},
    )


class AmendForm(ContentFields):
    what_changed = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Readers see this with the earlier text.",
        error_messages={"required": "Say what changed"},
    )
    realert = forms.BooleanField(
        required=False, label="Email everyone it is for about this amendment"
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Readers see it with the bulletin, and everyone it was for is emailed.",
        error_messages={"required": "Give the reason for withdrawing it"},
    )
    confirm = forms.BooleanField(
        label="Withdraw this bulletin",
        error_messages={"required": "Confirm that you want to withdraw this bulletin"},
    )


class CountField(forms.IntegerField):
    """A whole number typed in a short box (no spinner): 1,200 and 1 200 are read as 1200."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "")
        return super().to_python(value)


# The cascade question, in the words of each marking that lets a recipient pass it on
# (services.CASCADE_MARKINGS): the question, its hint, and who it was passed on to.
CASCADE_QUESTIONS = {
    Marking.CLEAR: (
        "How many organisations did you pass it on to?",
        "TLP:CLEAR: there is no limit on who it is passed on to.",
        "organisations you passed it on to",
    ),
    Marking.GREEN: (
        "How many organisations in your sector did you pass it on to?",
        "TLP:GREEN: within your sector’s community, never publicly.",
        "organisations you passed it on to",
    ),
    Marking.AMBER: (
        "How many people or organisations with a need to know did you share it with?",
        "TLP:AMBER: need to know only, within your own organisation and its clients.",
        "people or organisations you shared it with",
    ),
}
# What AMBER+STRICT and RED allow instead: they are not passed on, so there is no cascade.
NO_CASCADE = {
    Marking.AMBER_STRICT: "TLP:AMBER+STRICT: share it only within your own organisation, on a "
    "need-to-know basis; it is not passed on to other organisations, so there is no cascade to "
    "record.",
    Marking.RED: "TLP:RED: for your eyes and ears only; do not pass it on to anyone, so there is "
    "no cascade to record.",
}


class CascadeForm(forms.Form):
    """How many a person passed a bulletin on to, asked in the words of its marking."""

    count = CountField(
        min_value=0,
        max_value=100_000,
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-4",
                "inputmode": "numeric",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
        error_messages={
            "invalid": "Enter the number in figures, like 12",
            "min_value": "The number cannot be below 0",
            "max_value": "The number must be 100,000 or fewer",
        },
    )

    def __init__(self, *args, marking: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        label, hint, who = CASCADE_QUESTIONS[Marking(marking)]
        count = self.fields["count"]
        count.label, count.help_text = label, hint
        count.error_messages["required"] = f"Enter how many {who}, or 0"


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
    published_from = govuk_dates.DateField(
        required=False, label="Published from", called="The “published from” date"
    )
    published_to = govuk_dates.DateField(
        required=False, label="Published to", called="The “published to” date"
    )

    def __init__(self, *args, staff: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        statuses = [("", "Any status"), ("published", "Published"), ("withdrawn", "Withdrawn")]
        if staff:
            statuses.append(("draft", "Draft"))
        self.fields["status"].choices = statuses

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("published_from"), data.get("published_to")
        if start and end and start > end:
            self.add_error(
                "published_from",
                "The “published from” date must be the same as or before the “published to” date",
            )
        return data
