from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.conf import settings

from leo_access.forms import GovukForm

from .models import Declaration


def second_factor(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


class SignForm(GovukForm):
    """Each clause confirmed on its own, the full name typed, and the person's identity confirmed again."""

    submit_label = "Sign the declaration"

    def __init__(self, *args, user, text, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.text = text
        self.authenticator = second_factor(user)
        for number, clause in enumerate(text.clauses, start=1):
            name = f"clause_{number}"
            self.fields[name] = forms.BooleanField(
                label=clause,
                required=True,
                error_messages={"required": f"Confirm statement {number}: {clause[:60]}…"},
            )
        self.fields["typed_name"] = forms.CharField(
            label="Your full name",
            help_text="Type it exactly as it is written in your profile, capital letters included.",
            max_length=200,
            error_messages={"required": "Type your full name as it appears on your accreditation"},
        )
        if self.authenticator:
            self.fields["code"] = forms.CharField(
                label="Code from your authenticator app",
                help_text="Or one of your recovery codes.",
                max_length=20,
                error_messages={"required": "Enter the code from your authenticator app"},
            )
            secret = "code"
        else:
            self.fields["password"] = forms.CharField(
                label="Your password",
                help_text="To confirm it is you signing.",
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                error_messages={"required": "Enter your password"},
            )
            secret = "password"
        self.secret_field = secret
        self.confirmed_with = None

    def clean_typed_name(self):
        from .services import normalise_name

        typed = self.cleaned_data["typed_name"]
        if not (self.user.full_name or "").strip():
            raise forms.ValidationError("Add your full name to your profile before you sign")
        if normalise_name(typed) != normalise_name(self.user.full_name):
            raise forms.ValidationError(
                "Type your full name exactly as it is written in your profile, capitals included"
            )
        return typed

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("The password is not correct")
        self.confirmed_with = Declaration.ConfirmedWith.PASSWORD
        return password

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if TOTP(self.authenticator).validate_code(code):
            self.confirmed_with = Declaration.ConfirmedWith.TOTP
            return code
        recovery = Authenticator.objects.filter(user=self.user, type=Authenticator.Type.RECOVERY_CODES).first()
        if recovery and RecoveryCodes(recovery).validate_code(code):
            self.confirmed_with = Declaration.ConfirmedWith.RECOVERY_CODE
            return code
        raise forms.ValidationError("The code is not correct")

    def confirmed_clauses(self) -> list[int]:
        return [n for n in range(1, len(self.text.clauses) + 1) if self.cleaned_data.get(f"clause_{n}")]


class VerifyForm(GovukForm):
    submit_label = "Check the declaration"
    file = forms.FileField(
        label="Upload a signed declaration PDF",
        help_text="A PDF made by this service after a researcher signed their Individual Declaration.",
        error_messages={"required": "Select a PDF to check", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field("file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.DECLARATION_VERIFY_MAX_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {settings.DECLARATION_VERIFY_MAX_BYTES // (1024 * 1024)} MB"
            )
        return upload
