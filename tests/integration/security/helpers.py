"""Signing in through the real pages, as a person would, with a plain test client."""

from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, totp_code


def verified(user):
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def password_step(user, client=None, password=PASSWORD):
    client = client or Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    return client, response


def code_step(client, user, code=None):
    code = code or totp_code()
    # Codes are accepted once each; tests that sign someone in twice within one code's 30 seconds reuse it.
    cache.delete(f"allauth.mfa.totp.used?user={user.pk}&code={code}")
    return client.post(reverse("mfa_authenticate"), {"code": code})
