"""A researcher adds a passkey, then signs in with it without a password, and uses it as their second factor
after a password; Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain) plays the device.
axe-core checks each second-factor page at 1280 and 375 px."""

import pytest
from allauth.mfa.models import Authenticator

from leo_access.audit.models import AuditEvent, AuditKind
from tests.factories import PASSWORD, researcher

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 375)


def add_virtual_authenticator(page):
    """A platform authenticator that holds passkeys and verifies its user (as a fingerprint reader would)."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable", {"enableUI": False})
    added = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return session, added["authenticatorId"]


def check_at_both_widths(page):
    """axe-core at each width, and nothing wider than the window."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (page.url, width)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def sign_out(page):
    page.context.clear_cookies()


def test_a_researcher_adds_a_passkey_and_signs_in_with_it(page, live_server):
    # WebAuthn needs a secure context whose host is a domain name: http://localhost is one (127.0.0.1 is not).
    assert live_server.url.startswith("http://localhost:")
    person = researcher()
    session, authenticator_id = add_virtual_authenticator(page)
    sign_in(page, person, PASSWORD)

    page.goto("/accounts/email/")
    check_at_both_widths(page)
    page.get_by_role("link", name="Your second factor").click()
    page.wait_for_url("**/accounts/2fa/")
    assert page.locator("h1").inner_text() == "Your second factor"
    check_at_both_widths(page)
    page.get_by_role("link", name="Add a passkey").click()
    # Every change to how one signs in asks to confirm it is you first.
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
    # With JavaScript, the page offers the passkey and no longer says it cannot.
    assert page.locator("[data-passkey-unavailable]").is_hidden()
    check_at_both_widths(page)
    page.get_by_label("Name of the passkey").fill("Work laptop")
    assert page.get_by_label("Also use this passkey to sign in without a password").is_checked()
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    assert "Passkey added" in page.locator(".govuk-notification-banner").inner_text()
    check_at_both_widths(page)  # the recovery codes made with the first passkey

    passkey = Authenticator.objects.get(user=person, type=Authenticator.Type.WEBAUTHN)
    assert AuditEvent.objects.filter(kind=AuditKind.SECOND_FACTOR_ADDED, actor=person, summary__contains="webauthn")
    assert passkey.wrap().name == "Work laptop"
    assert passkey.wrap().is_passwordless is True
    credentials = session.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(credentials) == 1
    assert credentials[0]["isResidentCredential"] is True

    page.goto("/accounts/2fa/webauthn/")
    assert page.locator("h1").inner_text() == "Your passkeys"
    assert "Work laptop" in page.locator("table").inner_text()
    check_at_both_widths(page)
    page.get_by_role("link", name="Rename Work laptop").click()
    assert page.locator("h1").inner_text() == "Rename a passkey"
    check_at_both_widths(page)
    page.goto("/accounts/2fa/webauthn/")
    page.get_by_role("link", name="Remove Work laptop").click()
    assert page.locator("h1").inner_text() == "Remove the passkey “Work laptop”"
    check_at_both_widths(page)
    for path in ("/accounts/2fa/reauthenticate/", "/accounts/2fa/webauthn/reauthenticate/"):
        page.goto(path)
        check_at_both_widths(page)

    # Passwordless: the passkey alone signs in.
    sign_out(page)
    page.goto("/accounts/login/")
    check_at_both_widths(page)
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert f"You are signed in as {person.email}" in page.locator("main").inner_text()
    page.goto("/applications/")
    assert page.locator("h1").count() == 1
    assert "/accounts/" not in page.url

    # As the second factor after a password.
    sign_out(page)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    check_at_both_widths(page)
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    page.goto("/applications/")
    assert "/accounts/" not in page.url
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None


def test_a_new_researcher_chooses_a_passkey_as_their_second_factor(page):
    from allauth.account.models import EmailAddress

    person = researcher()
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    add_virtual_authenticator(page)
    page.goto("/applications/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    assert "Every account must use a second factor" in page.content()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    check_at_both_widths(page)
    page.get_by_role("link", name="Add a passkey").click()
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    page.goto("/applications/")
    assert "/accounts/" not in page.url
    assert not Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()

    # Next time, the password and then the passkey: the page asks for the passkey, not an app's code.
    sign_out(page)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert page.locator("h1").inner_text() == "Use your passkey"
    check_at_both_widths(page)
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    page.goto("/applications/")
    assert "/accounts/" not in page.url
