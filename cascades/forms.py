from django import forms
from django.utils.html import format_html

from accounts.forms import EMAIL_FORMAT, uk_phone_number
from accounts.models import normalise_email
from portal.templatetags.wrapping import email_breaks

from .imports import MAX_BYTES, MAX_ROWS
from .models import Contact


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["organisation", "name", "email", "phone", "public_list"]
        labels = {
            "organisation": "Organisation",
            "name": "Contact name",
            "email": "Email address",
            "phone": "Phone number (optional)",
            "public_list": "This address is a public mailing list or newsletter",
        }
        help_texts = {"public_list": "TLP:GREEN bulletins are never sent to a public list."}
        error_messages = {
            "organisation": {"required": "Enter the organisation"},
            "name": {"required": "Enter the contact's name"},
            "email": {"required": "Enter an email address", "invalid": EMAIL_FORMAT},
        }

    def __init__(self, *args, sector, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector = sector

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        taken = self.sector.contacts.filter(email__iexact=email)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("This sector already has a contact with that address")
        return email

    def clean_phone(self) -> str:
        return uk_phone_number(self.cleaned_data["phone"])


class ContactImportForm(forms.Form):
    file = forms.FileField(
        allow_empty_file=True,
        label="Upload a CSV file",
        error_messages={"required": "Choose a CSV file to upload"},
        help_text=(
            "Columns organisation,name,email,phone,public_list with that header row. "
            f"UTF-8, at most {MAX_ROWS:,} rows and {MAX_BYTES // (1024 * 1024)} MB."
        ),
    )


class CascadeForm(forms.Form):
    """Which of the sector's contacts: all of them, or those ticked."""

    everyone = forms.ChoiceField(
        label="Who should get it",
        choices=[("all", "All of them"), ("some", "Only those I choose")],
        initial="all",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose all of them or only those you choose"},
    )
    contacts = forms.MultipleChoiceField(
        label="Organisations", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        # The address may wrap at its "@" and dots, so a long one never pushes a phone's page
        # sideways.
        self.fields["contacts"].choices = [
            (
                str(contact.pk),
                format_html(
                    "{} ({}, {})", contact.organisation, contact.name, email_breaks(contact.email)
                ),
            )
            for contact in contacts
        ]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("everyone") == "some" and not data.get("contacts"):
            self.add_error("contacts", "Choose at least one organisation")
        return data

    def chosen_ids(self) -> list[int] | None:
        if self.cleaned_data["everyone"] == "all":
            return None
        return [int(pk) for pk in self.cleaned_data["contacts"]]
