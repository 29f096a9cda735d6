"""Nobody reaches any page of the service without a second factor: staff and researchers alike (SATRE 3.2.04)."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from leo_access.roles import Role
from tests.factories import PASSWORD, give_authenticator, researcher, staff, wait_for_fresh_code

from .helpers import code_step, password_step, verified

pytestmark = pytest.mark.django_db

STAFF_ROLES = [
    Role.RAS_OFFICER,
    Role.DFE_REVIEWER,
    Role.HMRC_REVIEWER,
    Role.DWP_REVIEWER,
    Role.PANEL_MEMBER,
    Role.ADMIN,
]
EVERY_ROLE = [Role.RESEARCHER, *STAFF_ROLES]


def person(role):
    return verified(researcher() if role == Role.RESEARCHER else staff(role))


def main_page(role) -> str:
    return reverse("applications:list") if role == Role.RESEARCHER else reverse("reviews:my_work")


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_people_without_an_authenticator_are_sent_to_set_one_up(role):
    user = person(role)
    client, response = password_step(user)
    assert response.status_code == 302
    for url in (reverse("home"), main_page(role), reverse("profile"), reverse("api_tokens:list")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp"), url
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert "Every account must use a second factor" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_researcher_sets_up_an_authenticator_at_first_sign_in_before_any_application_page():
    """allauth announces the new authenticator once its transaction commits, so this test commits too."""
    user = person(Role.RESEARCHER)
    client, _ = password_step(user)
    for url in (reverse("applications:list"), reverse("applications:create")):
        assert client.get(url)["Location"] == reverse("mfa_activate_totp"), url
    response = client.get(reverse("mfa_activate_totp"))
    client.post(response["Location"], {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    wait_for_fresh_code()
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("applications:list")).status_code == 200


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_people_with_an_authenticator_must_enter_its_code(role):
    user = person(role)
    give_authenticator(user)
    client, response = password_step(user)
    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in yet: the service's pages send them to sign in.
    assert client.get(main_page(role))["Location"].startswith(reverse("account_login"))
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()
    assert code_step(client, user).status_code == 302
    assert client.get(main_page(role)).status_code == 200


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.DFE_REVIEWER])
def test_a_session_opened_without_the_code_is_signed_out(role):
    """A session from before the authenticator was required (or made another way) reaches no page."""
    user = person(role)
    give_authenticator(user)
    client = Client()
    client.force_login(user)  # the plain client: a session with no record of a second factor
    response = client.get(main_page(role))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_setting_up_an_authenticator_proves_the_second_factor():
    """allauth announces the new authenticator once its transaction commits, so this test commits too."""
    user = verified(staff(Role.PANEL_MEMBER))
    client, _ = password_step(user)
    # Adding a factor asks for the password again, as every change to how one signs in does.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("reviews:meetings")).status_code == 200


def test_the_admin_site_is_for_admins_with_a_second_factor(client):
    admin_user = staff(Role.ADMIN)
    client.force_login(admin_user)  # with a second factor, as tests/conftest.py's client does for staff
    assert client.get(reverse("admin:index")).status_code == 200

    other = type(client)()
    other.force_login(researcher())  # with a second factor too
    response = other.get(reverse("admin:index"))
    assert response.status_code == 302
    assert other.get(response["Location"]).status_code == 403

    anonymous = Client().get(reverse("admin:index"), follow=True)
    assert anonymous.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_staff_other_than_admins_are_refused_the_admin_site(client):
    client.force_login(staff(Role.RAS_OFFICER))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 403


@pytest.mark.parametrize(
    ("email", "page"), [("dfe@example.com", "reviews:my_work"), ("researcher@example.com", "applications:list")]
)
def test_demo_people_sign_in_with_the_code_demo_code_prints(capsys, email, page):
    from django.core.management import call_command

    from demo import users as demo
    from leo_access.models import User

    demo.ensure_demo_users()
    wait_for_fresh_code(seconds_needed=10)
    call_command("demo_code")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6
    assert code.isdigit()
    user = User.objects.get(email=email)
    client, response = password_step(user, password=demo.DEMO_PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    assert code_step(client, user, code=code).status_code == 302
    assert client.get(reverse(page)).status_code == 200
