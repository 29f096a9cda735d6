"""The second-factor pages are GOV.UK pages that run no inline script, and "Your account" leads to each."""

import re
import time

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from tests.factories import researcher

from .test_last_second_factor import give_passkey

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def inline_scripts(html: str) -> list[str]:
    """Script elements the browser would run without a src or the page's nonce: the content security policy
    refuses them (a JSON block is data, never run)."""
    return [
        attrs
        for attrs in SCRIPT.findall(html)
        if not any(allowed in attrs for allowed in ("src=", "nonce=", "application/json"))
    ]


def heading(html: str) -> str:
    return re.search(r'<h1 class="govuk-heading-l">(.*?)</h1>', html, re.S).group(1).strip()


@pytest.fixture
def signed_in(client):
    user = researcher()
    client.force_login(user)  # with an authenticator app, as every account has
    RecoveryCodes.activate(user)
    # Pages that change how one signs in ask for the password again first; this session just gave it.
    session = client.session
    session["account_authentication_methods"].append({"method": "password", "at": time.time(), "reauthenticated": True})
    session.save()
    return client, user


PAGES = [
    ("mfa_index", "Your second factor"),
    ("mfa_list_webauthn", "Your passkeys"),
    ("mfa_add_webauthn", "Add a passkey"),
    ("mfa_view_recovery_codes", "Your recovery codes"),
    ("mfa_generate_recovery_codes", "Make new recovery codes"),
    ("mfa_deactivate_totp", "Remove your authenticator app"),
]


@pytest.mark.parametrize(("name", "title"), PAGES)
def test_each_second_factor_page_is_a_gov_uk_page(signed_in, name, title):
    client, user = signed_in
    if name == "mfa_deactivate_totp":
        give_passkey(user)  # with only one factor, the page says it cannot be removed (test_last_second_factor.py)
    response = client.get(reverse(name))
    assert response.status_code == 200, name
    html = response.content.decode()
    assert heading(html) == title
    assert f"<title>{title} \u2013" in html
    assert not inline_scripts(html), name
    assert "Security Key" not in html
    assert "Two-Factor" not in html


def test_the_passkey_page_says_it_needs_javascript_and_offers_the_authenticator_app(signed_in):
    client, _ = signed_in
    html = client.get(reverse("mfa_add_webauthn")).content.decode()
    assert "Passkeys need JavaScript" in html
    assert reverse("mfa_activate_totp") in html
    # The passkey form stays hidden until the page's script finds a browser that can use passkeys.
    assert re.search(r"<div data-passkey-only hidden>\s*<form", html)
    assert "Also use this passkey to sign in without a password" in html


def test_the_sign_in_page_offers_a_passkey_only_with_javascript():
    from django.test import Client

    html = Client().get(reverse("account_login")).content.decode()
    assert 'id="passkey_login"' in html
    assert re.search(r'<div data-passkey-only hidden>.*id="passkey_login"', html, re.S)
    assert reverse("mfa_login_webauthn") in html
    assert not inline_scripts(html)


def test_the_code_page_offers_no_passkey_to_someone_without_one():
    """Someone with a passkey is offered it there too: the browser test (tests/functional/test_passkeys.py)."""
    from django.test import Client

    from tests.factories import PASSWORD, give_authenticator

    from .helpers import verified

    user = verified(researcher())
    give_authenticator(user)
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    html = client.get(reverse("mfa_authenticate")).content.decode()
    assert heading(html) == "Enter the code from your authenticator app"
    assert "Use a passkey" not in html
    assert not inline_scripts(html)


def test_your_account_leads_to_every_way_of_signing_in(signed_in):
    client, _ = signed_in
    html = client.get(reverse("account_email")).content.decode()
    for name in ("account_change_password", "mfa_index", "mfa_list_webauthn", "mfa_view_recovery_codes"):
        assert f'href="{reverse(name)}"' in html, name
    assert f'href="{reverse("api_tokens:list")}"' in html
