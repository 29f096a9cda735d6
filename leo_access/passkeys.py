"""Passkeys (WebAuthn through allauth's MFA): a second factor, and a way to sign in without a password."""

from allauth.mfa.adapter import get_adapter
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from allauth.mfa.webauthn.views import RemoveWebAuthnView
from django import forms


class AddPasskeyForm(AddWebAuthnForm):
    """allauth's form, worded for people and ready for signing in without a password by default: that is what
    most people mean by a passkey. Unticked, the key is kept as a second factor only (for a security key that
    cannot hold a passkey)."""

    name = forms.CharField(
        label="Name of the passkey",
        help_text="So that you can tell your passkeys apart, for example 'Work laptop' or 'Phone'.",
        required=False,
        max_length=100,
    )
    passwordless = forms.BooleanField(
        label="Also use this passkey to sign in without a password",
        help_text="Your device will ask for your fingerprint, face, PIN or screen lock each time.",
        required=False,
        initial=True,
    )


class RemovePasskeyForm(forms.Form):
    """Asks the second-factor adapter, as allauth's form for removing an authenticator app does: allauth's own
    passkey removal does not, and would let someone remove their last second factor."""

    def __init__(self, *args, authenticator, **kwargs):
        self.authenticator = authenticator
        super().__init__(*args, **kwargs)

    def clean(self):
        adapter = get_adapter()
        if not adapter.can_delete_authenticator(self.authenticator):
            raise adapter.validation_error("cannot_delete_authenticator")
        return super().clean()


class RemovePasskeyView(RemoveWebAuthnView):
    form_class = RemovePasskeyForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["authenticator"] = self.object
        # Bound on the first visit too, so that the page says at once why the passkey cannot be removed.
        kwargs.setdefault("data", {})
        return kwargs


remove_passkey = RemovePasskeyView.as_view()
