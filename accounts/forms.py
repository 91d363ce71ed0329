from dataclasses import dataclass

import phonenumbers
from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.webauthn import forms as webauthn_forms
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .models import User

PASSWORD_HINT = "At least 12 characters. A short sentence you can remember works well."
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"


def uk_phone_number(typed: str) -> str:
    """A UK landline or mobile number, as typed (0 or +44 first, spaces allowed), in one form:
    the UK's own way of writing it (020 7946 0000, 07400 123456). Empty stays empty."""
    typed = typed.strip()
    if not typed:
        return ""
    try:
        number = phonenumbers.parse(typed, "GB")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or number.country_code != 44 or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            "Enter a UK landline or mobile number, like 020 7946 0000 or +44 20 7946 0000",
            code="invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


class AdminUserAddForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class AdminUserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_phone(self) -> str:
        return uk_phone_number(self.cleaned_data["phone"])


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(
        label="Your full name",
        max_length=150,
        error_messages={"required": "Enter your full name"},
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HINT,
        error_messages={"required": "Choose a password"},
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password again"},
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are different.")
        elif first:
            try:
                password_validation.validate_password(
                    first, User(email=self.email, name=data.get("name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "organisation", "phone", "routine_alerts"]
        labels = {
            "name": "Full name",
            "phone": "Phone number",
            "routine_alerts": "Email me about routine bulletins",
        }
        help_texts = {
            "phone": "A UK landline or mobile number, so the NCPP office can reach you in an "
            "emergency. For example, 020 7946 0000.",
        }
        error_messages = {
            "routine_alerts": {"required": "Choose when to get routine bulletins by email"},
        }
        widgets = {
            "routine_alerts": forms.RadioSelect,
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def clean_phone(self) -> str:
        return uk_phone_number(self.cleaned_data["phone"])


# --- allauth's forms, in the portal's words (ACCOUNT_FORMS, MFA_FORMS) -----------------------


@dataclass(frozen=True)
class Words:
    """A field's label, the error that names it when it is left empty, and its hint."""

    label: str
    required: str
    hint: str = ""


class InPortalWords:
    """Gives allauth's fields the portal's labels, hints and errors, each error naming its
    field. allauth's placeholders go: GOV.UK forms say it in the label and the hint."""

    words: dict[str, Words] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, words in self.words.items():
            field = self.fields[name]
            field.label = words.label
            field.help_text = words.hint
            field.error_messages = {**field.error_messages, "required": words.required}
            if isinstance(field, forms.EmailField):
                field.error_messages["invalid"] = EMAIL_FORMAT
            field.widget.attrs.pop("placeholder", None)
        if "code" in self.fields:
            # A code is short, and never spell-checked or remembered by the browser.
            self.fields["code"].widget.attrs.update(
                {
                    "class": "govuk-input--width-10",
                    "spellcheck": "false",
                    "autocomplete": "one-time-code",
                }
            )


NEW_PASSWORD = {
    "password1": Words("New password", "Enter a new password", PASSWORD_HINT),
    "password2": Words("Type the new password again", "Type the new password again"),
}
SECOND_FACTOR_CODE = Words(
    "Code",
    "Enter the code from your authenticator app, or a recovery code",
    "The 6-digit code your authenticator app shows now, or one of your recovery codes.",
)


class SignInForm(InPortalWords, account_forms.LoginForm):
    words = {
        "login": Words("Email address", "Enter your email address"),
        "password": Words("Password", "Enter your password"),
    }


class ResetPasswordForm(InPortalWords, account_forms.ResetPasswordForm):
    words = {
        "email": Words("Email address", "Enter your email address", "The address you sign in with.")
    }


class ResetPasswordKeyForm(InPortalWords, account_forms.ResetPasswordKeyForm):
    words = NEW_PASSWORD


class ChangePasswordForm(InPortalWords, account_forms.ChangePasswordForm):
    words = {
        "oldpassword": Words("Current password", "Enter your current password"),
        **NEW_PASSWORD,
    }


class SetPasswordForm(InPortalWords, account_forms.SetPasswordForm):
    words = NEW_PASSWORD


class ChangeEmailForm(InPortalWords, account_forms.AddEmailForm):
    words = {
        "email": Words(
            "New email address",
            "Enter your new email address",
            "We email a link to it. Your address changes when you follow the link.",
        )
    }


class ReauthenticateForm(InPortalWords, account_forms.ReauthenticateForm):
    words = {"password": Words("Password", "Enter your password")}


class SecondFactorForm(InPortalWords, mfa_forms.AuthenticateForm):
    words = {"code": SECOND_FACTOR_CODE}


class SecondFactorReauthenticateForm(InPortalWords, mfa_forms.ReauthenticateForm):
    words = {"code": SECOND_FACTOR_CODE}


class ActivateTOTPForm(InPortalWords, totp_forms.ActivateTOTPForm):
    words = {
        "code": Words(
            "Code from your authenticator app",
            "Enter the 6-digit code from your authenticator app",
        )
    }


PASSKEY_NAME_HINT = "So you can tell your passkeys apart, for example ‘Work laptop’."
PASSKEY_NOT_USED = "Use your passkey when your browser asks for it"


class AddPasskeyForm(InPortalWords, webauthn_forms.AddWebAuthnForm):
    words = {
        "name": Words("Name of the passkey", "Enter a name for the passkey", PASSKEY_NAME_HINT),
        "credential": Words("Passkey", PASSKEY_NOT_USED),
    }


class EditPasskeyForm(InPortalWords, webauthn_forms.EditWebAuthnForm):
    words = {
        "name": Words("Name of the passkey", "Enter a name for the passkey", PASSKEY_NAME_HINT)
    }


class PasskeyReauthenticateForm(InPortalWords, webauthn_forms.ReauthenticateWebAuthnForm):
    words = {"credential": Words("Passkey", PASSKEY_NOT_USED)}
