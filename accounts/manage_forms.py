"""Forms for the portal admins' pages under /manage/."""

from datetime import date

from django import forms

from .imports import MAX_BYTES, MAX_ROWS
from .models import AuditEvent, Invitation, Membership, Sector, User, normalise_email

UK_DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %m %Y", "%Y-%m-%d"]


class AddMemberForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="Of someone who already has an account. To add someone new, invite them.",
    )
    role = forms.ChoiceField(
        label="Role", choices=Membership.Role.choices, initial=Membership.Role.MEMBER,
        widget=forms.RadioSelect,
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
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices)


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Name or email address", required=False, max_length=254)


class ImportForm(forms.Form):
    file = forms.FileField(
        allow_empty_file=True,
        label="Upload a CSV file",
        help_text=(
            f"Columns email,name,organisation,sector,role with that header row. "
            f"UTF-8, at most {MAX_ROWS:,} rows and {MAX_BYTES // (1024 * 1024)} MB."
        ),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    name = forms.CharField(label="Full name", max_length=150, required=False)
    organisation = forms.CharField(label="Organisation", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="What will they do?", choices=Invitation.Kind.choices, initial=Invitation.Kind.ISL,
        widget=forms.RadioSelect,
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
        self.fields["action"].choices = [("", "All actions")] + [
            (action, action) for action in actions.distinct()
        ]

    def clean(self) -> dict:
        data = super().clean()
        start: date | None = data.get("date_from")
        end: date | None = data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The “to” date must be the same as or after the “from” date.")
        return data
