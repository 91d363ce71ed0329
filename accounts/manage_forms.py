"""Forms for the portal admins' pages under /manage/."""

from datetime import date

from django import forms

from .audit import action_label
from .forms import EMAIL_FORMAT
from .imports import MAX_BYTES, MAX_ROWS
from .models import AuditEvent, Invitation, Membership, Sector, User, normalise_email

UK_DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %m %Y", "%Y-%m-%d"]


class SectorForm(forms.Form):
    name = forms.CharField(
        label="Name of the sector",
        max_length=100,
        help_text="As ISLs and staff call it, for example Night-time economy.",
        error_messages={"required": "Enter the name of the sector"},
    )


class AddMemberForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="Of someone who already has an account. To add someone new, invite them.",
        error_messages={
            "required": "Enter the email address of the person to add",
            "invalid": EMAIL_FORMAT,
        },
    )
    role = forms.ChoiceField(
        label="Role", choices=Membership.Role.choices, initial=Membership.Role.MEMBER,
        widget=forms.RadioSelect, error_messages={"required": "Choose their role in the sector"},
    )  # fmt: skip

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        self.person = User.objects.filter(email=email).first()
        if self.person is None:
            raise forms.ValidationError(
                "No one has an account with that email address. Invite them instead."
            )
        if not self.person.is_active:
            raise forms.ValidationError(
                f"{email} is deactivated. Invite them again if they are coming back."
            )
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        error_messages={"required": "Choose lead, deputy or member."},
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Name or email address", required=False, max_length=254)


class ImportForm(forms.Form):
    file = forms.FileField(
        allow_empty_file=True,
        label="Upload a CSV file",
        error_messages={"required": "Choose a CSV file to upload"},
        help_text=(
            f"Columns email,name,organisation,sector,role with that header row. "
            f"UTF-8, at most {MAX_ROWS:,} rows and {MAX_BYTES // (1024 * 1024)} MB."
        ),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": EMAIL_FORMAT,
        },
    )
    name = forms.CharField(label="Full name", max_length=150, required=False)
    organisation = forms.CharField(label="Organisation", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="What will they do?", choices=Invitation.Kind.choices, initial=Invitation.Kind.ISL,
        widget=forms.RadioSelect, error_messages={"required": "Choose what they will do"},
    )  # fmt: skip
    sectors = forms.ModelMultipleChoiceField(
        label="Sectors",
        queryset=Sector.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For an Industry Sector Lead only: the sectors they will be in.",
    )
    role = forms.ChoiceField(
        label="Role in those sectors", choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER, widget=forms.RadioSelect,
        help_text="For an Industry Sector Lead only.",
        error_messages={"required": "Choose their role in those sectors"},
    )  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        kind, sectors = data.get("kind"), data.get("sectors")
        if kind == Invitation.Kind.ISL and not sectors:
            self.add_error("sectors", "Choose at least one sector for an Industry Sector Lead.")
        elif kind and kind != Invitation.Kind.ISL and sectors:
            self.add_error(
                "sectors",
                "Sectors are for an Industry Sector Lead only: clear them, or choose "
                "Industry Sector Lead.",
            )
        return data


class AuditFilterForm(forms.Form):
    person = forms.CharField(
        label="Person's email address",
        required=False,
        max_length=254,
        help_text="What they did and what was done to them. Part of an address is enough.",
    )
    action = forms.ChoiceField(label="Action", required=False)
    date_from = forms.DateField(
        label="From", required=False, input_formats=UK_DATE_FORMATS,
        help_text="For example, 27/3/2026",
    )  # fmt: skip
    date_to = forms.DateField(
        label="To", required=False, input_formats=UK_DATE_FORMATS,
        help_text="For example, 31/3/2026",
    )  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        actions = AuditEvent.objects.order_by("action").values_list("action", flat=True)
        self.fields["action"].choices = [("", "All actions")] + sorted(
            ((action, action_label(action)) for action in actions.distinct()),
            key=lambda choice: choice[1],
        )

    def clean(self) -> dict:
        data = super().clean()
        start: date | None = data.get("date_from")
        end: date | None = data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The “to” date must be the same as or after the “from” date.")
        return data
