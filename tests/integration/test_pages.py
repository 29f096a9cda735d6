import pytest
from django.core.management import call_command

from demo.users import DEMO_PASSWORD, DEMO_USERS, current_demo_code
from leo_access.models import User
from leo_access.roles import Role, roles_of
from tests.factories import wait_for_fresh_code

pytestmark = pytest.mark.django_db


def test_start_page_uses_gov_uk_frontend_without_the_crown(client):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="govuk-template"' in html
    assert "Apply for LEO data access" in html
    assert 'href="/accounts/login/"' in html
    assert "govuk-header__logotype" not in html
    assert "govuk-crest" not in html


def test_secure_headers_are_sent(client):
    response = client.get("/")

    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_seed_demo_creates_one_user_per_role_and_is_safe_to_run_again(client):
    call_command("seed_demo")
    call_command("seed_demo")

    assert User.objects.filter(email__in=[d.email for d in DEMO_USERS]).count() == len(DEMO_USERS)
    held = {role for user in User.objects.all() for role in roles_of(user)}
    assert held == set(Role)
    for demo in DEMO_USERS:
        assert client.login(email=demo.email, password=DEMO_PASSWORD), demo.email
        client.logout()


def test_sign_in_with_email_reaches_the_signed_in_home_page(client):
    call_command("seed_demo")

    response = client.post("/accounts/login/", {"login": "researcher@example.com", "password": DEMO_PASSWORD})
    # Researchers too sign in with a second factor: the demo accounts' code is the one `demo_code` prints.
    assert response["Location"] == "/accounts/2fa/authenticate/"
    wait_for_fresh_code()
    response = client.post("/accounts/2fa/authenticate/", {"code": current_demo_code()}, follow=True)

    assert response.status_code == 200
    assert "You are signed in as researcher@example.com" in response.content.decode()


def test_sign_up_requires_email_verification(client, mailoutbox):
    passphrase = "a-sturdy-passphrase-42"
    response = client.post(
        "/accounts/signup/", {"email": "new.person@example.org", "password1": passphrase, "password2": passphrase}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/confirm-email/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.person@example.org"]
    assert not client.get("/").context["user"].is_authenticated
    assert roles_of(User.objects.get(email="new.person@example.org")) == {Role.RESEARCHER}
