"""allauth's pages as GOV.UK pages: sentence case, labels and hints with no placeholders, the error summary, one
notification banner, and sign-out as one POST from the header."""

import re

import pytest
from allauth.account import app_settings
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, researcher

pytestmark = pytest.mark.django_db

# A heading's words after the first are lower case, bar names and capitals.
KEPT = {"I", "LEO", "Access"}


def heading(html: str) -> str:
    return re.sub(r"\s+", " ", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)).strip()


def assert_govuk_page(html: str):
    title = heading(html)
    _, *rest = title.split(" ")
    assert all(word in KEPT or word[:1].islower() for word in rest), title
    assert "placeholder=" not in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("account_login", "Sign in"),
        ("account_signup", "Create an account"),
        ("account_reset_password", "Reset your password"),
        ("account_reset_password_done", "Check your email"),
        ("account_email_verification_sent", "Check your email"),
    ],
)
def test_the_signed_out_account_pages(client, name, expected):
    html = client.get(reverse(name)).content.decode()
    assert heading(html) == expected
    assert_govuk_page(html)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("account_email", "Your account"),
        ("account_change_password", "Change your password"),
        ("account_reauthenticate", "Confirm it is you"),
        ("account_logout", "Sign out"),
    ],
)
def test_the_signed_in_account_pages(client, name, expected):
    client.force_login(researcher())
    html = client.get(reverse(name)).content.decode()
    assert heading(html) == expected
    assert_govuk_page(html)


def test_labels_are_sentence_case_with_hints_and_no_placeholders(client):
    html = client.get(reverse("account_signup")).content.decode()
    labels = [re.sub(r"\s+", " ", label).strip() for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)]
    assert "Email address" in labels
    assert "Confirm your password" in labels
    assert "Type the same password again." in html
    login = client.get(reverse("account_login")).content.decode()
    assert "Remember me on this device" in login
    assert "Remember Me" not in login
    assert "placeholder=" not in login


def test_a_failed_sign_in_shows_the_error_summary(client):
    user = researcher()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "not the password"})
    html = response.content.decode()
    summary = html[html.index('class="govuk-error-summary"') :]
    assert "There is a problem" in summary
    assert 'href="#id_login"' in summary
    assert "<title>Error: Sign in" in html


def test_signing_out_is_one_post_from_the_header(client):
    user = researcher()
    client.force_login(user)
    html = client.get(reverse("applications:list")).content.decode()
    header = html[html.index('class="govuk-service-navigation"') : html.index("</nav>")]
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', header, re.S)
    assert form.group(1) == reverse("account_logout")
    assert "csrfmiddlewaretoken" in form.group(2)
    assert re.search(r'<button type="submit"[^>]*>Sign out</button>', form.group(2))
    assert f'href="{reverse("account_logout")}"' not in html

    assert app_settings.LOGOUT_ON_GET is False
    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    home = client.get(response.headers["Location"]).content.decode()
    assert "You have signed out." in home
    assert "Are you sure" not in home


def test_confirming_an_email_address_shows_one_banner(client):
    email = "new.person@example.org"
    client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/", mail.outbox[-1].body).group(0)
    path = link[link.index("/accounts/") :]
    page = client.get(path).content.decode()
    assert heading(page) == "Confirm your email address"
    assert_govuk_page(page)

    html = client.post(path, follow=True).content.decode()
    assert html.count("govuk-notification-banner__header") == 1
    banner = html[html.index("govuk-notification-banner") : html.index("govuk-grid-row")]
    assert "You have confirmed your email address, new.person@example.org." in banner
    assert "You are signed in as" in banner
