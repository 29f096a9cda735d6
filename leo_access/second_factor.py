"""Everyone proves a second factor (an authenticator app code or a passkey) in the session they work in.

SATRE 3.2.04 asks for multi-factor authentication for every user, researchers as well as staff: nobody opens
any page of the service until they have signed in with one. Someone without an authenticator is sent to set
one up at their first sign-in; someone who has one but whose session was opened without it (an older session,
or an authenticator removed and added again elsewhere) is signed out and asked to sign in again with it.
"""

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import signals as mfa_signals
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse

# Pages a person needs before the second factor is proved: signing in and out, setting up an
# authenticator, and the public pages.
OPEN_URL_PREFIXES = ("account_", "mfa_")
OPEN_URL_NAMES = {"healthz", "livez", "accessibility", "privacy"}
# The API answers a session without the second factor itself, with a problem document rather than a redirect
# (api/authentication.py).
OPEN_NAMESPACES = {"api"}


def used_second_factor(request) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def needs_second_factor(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and not used_second_factor(request))


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = (match.url_name or "") if match else ""
        if name.startswith(OPEN_URL_PREFIXES) or name in OPEN_URL_NAMES:
            return None
        if match and match.namespace in OPEN_NAMESPACES:
            return None
        if not needs_second_factor(request):
            return None
        if not is_mfa_enabled(request.user):
            messages.info(
                request,
                "Every account must use a second factor: set up an authenticator app or a passkey to continue.",
            )
            return redirect("mfa_activate_totp")
        logout(request)
        messages.info(request, "Sign in again with your password and your authenticator app or passkey.")
        return redirect_to_login(request.get_full_path(), reverse("account_login"))


@receiver(mfa_signals.authenticator_added)
def _second_factor_proved(sender, request, user, authenticator, **kwargs):
    """Adding an authenticator means typing a code it produced, or answering a passkey's challenge: that proves
    the second factor."""
    if request is not None and authenticator.type in (authenticator.Type.TOTP, authenticator.Type.WEBAUTHN):
        record_authentication(request, user, method="mfa", type=authenticator.type, id=authenticator.pk)


# An authenticator app or a passkey proves the second factor; recovery codes only stand in for a lost one.
FACTOR_TYPES = ("totp", "webauthn")
LAST_FACTOR_REFUSED = (
    "You cannot remove your only second factor. Set up an authenticator app or add a passkey first, "
    "then remove this one."
)


class SecondFactorAdapter(DefaultMFAAdapter):
    """Everyone keeps at least one second factor (SATRE 3.2.04), so removing the last is refused on the page that
    would remove it, with the reason, rather than sending the person to set one up again next time."""

    error_messages = {**DefaultMFAAdapter.error_messages, "cannot_delete_authenticator": LAST_FACTOR_REFUSED}

    def can_delete_authenticator(self, authenticator) -> bool:
        if authenticator.type not in FACTOR_TYPES:
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id, type__in=FACTOR_TYPES)
        return others.exclude(pk=authenticator.pk).exists()
