"""Passkeys (WebAuthn through allauth's MFA): a second factor, and a way to sign in without a password."""

from allauth.mfa.webauthn.forms import AddWebAuthnForm
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
