"""Everyone keeps a second factor (SATRE 3.2.04): removing the last one is refused with the reason, and nothing is
removed; removing one of two still works. Recovery codes stand in for a lost factor and do not count as one."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from leo_access.audit.models import AuditEvent, AuditKind
from leo_access.second_factor import LAST_FACTOR_REFUSED
from tests.factories import researcher

pytestmark = pytest.mark.django_db


def give_passkey(user, name="Work laptop"):
    """A passkey as allauth keeps it once registered (its registration is tested in tests/functional/test_passkeys.py);
    removing one reads only its name."""
    return Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": name, "credential": {"clientExtensionResults": {"credProps": {"rk": True}}}},
    )


@pytest.fixture
def person(client):
    user = researcher()
    client.force_login(user)  # with an authenticator app
    RecoveryCodes.activate(user)
    # Removing a factor asks for the password again first; this session has just given it.
    session = client.session
    session["account_authentication_methods"].append({"method": "password", "at": time.time(), "reauthenticated": True})
    session.save()
    return user


def factors(user) -> set[str]:
    return set(Authenticator.objects.filter(user=user).values_list("type", flat=True))


def refused(response) -> bool:
    html = response.content.decode()
    return (
        response.status_code == 200
        and "govuk-error-summary" in html
        and LAST_FACTOR_REFUSED in html
        and "<title>Error: " in html
    )


def test_the_only_authenticator_app_cannot_be_removed(client, person):
    assert refused(client.get(reverse("mfa_deactivate_totp")))
    assert "Remove the authenticator app</button>" not in client.get(reverse("mfa_deactivate_totp")).content.decode()
    assert refused(client.post(reverse("mfa_deactivate_totp")))
    assert factors(person) == {"totp", "recovery_codes"}
    assert not AuditEvent.objects.filter(kind=AuditKind.SECOND_FACTOR_REMOVED).exists()


def test_the_only_passkey_cannot_be_removed(client, person):
    Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).delete()
    passkey = give_passkey(person)
    url = reverse("mfa_remove_webauthn", args=[passkey.pk])
    assert refused(client.get(url))
    assert refused(client.post(url))
    assert factors(person) == {"webauthn", "recovery_codes"}


def test_with_an_app_and_a_passkey_either_can_be_removed_but_not_then_the_other(client, person):
    passkey = give_passkey(person)
    response = client.post(reverse("mfa_remove_webauthn", args=[passkey.pk]))
    assert response.status_code == 302
    assert factors(person) == {"totp", "recovery_codes"}
    assert AuditEvent.objects.filter(kind=AuditKind.SECOND_FACTOR_REMOVED, actor=person).count() == 1

    give_passkey(person, "Phone")
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert factors(person) == {"webauthn", "recovery_codes"}
    last = Authenticator.objects.get(user=person, type=Authenticator.Type.WEBAUTHN)
    assert refused(client.post(reverse("mfa_remove_webauthn", args=[last.pk])))
    assert factors(person) == {"webauthn", "recovery_codes"}
