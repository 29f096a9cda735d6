"""Signing in through the real pages, as a person would, with a plain test client."""

from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, forget_used_code, give_authenticator, totp_code


def verified(user):
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def password_step(user, client=None, password=PASSWORD):
    client = client or Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    return client, response


def code_step(client, user, code=None):
    code = code or totp_code()
    forget_used_code(user, code)
    return client.post(reverse("mfa_authenticate"), {"code": code})


def signed_in(user, client=None, password=PASSWORD):
    """Both steps, as everyone signs in: the password, then the code from their authenticator app."""
    give_authenticator(user)
    client, response = password_step(user, client, password)
    assert response["Location"] == reverse("mfa_authenticate"), response["Location"]
    return client, code_step(client, user)
