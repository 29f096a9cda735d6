"""Staff cannot reach any staff page without a second factor; researchers are not asked for one."""

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


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_without_an_authenticator_are_sent_to_set_one_up(role):
    user = verified(staff(role))
    client, response = password_step(user)
    assert response.status_code == 302
    for url in (reverse("home"), reverse("reviews:my_work"), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp"), url
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert "Staff accounts must use an authenticator app" in page.content.decode()


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_with_an_authenticator_must_enter_its_code(role):
    user = verified(staff(role))
    give_authenticator(user)
    client, response = password_step(user)
    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in yet: staff pages send them to sign in.
    assert client.get(reverse("reviews:my_work"))["Location"].startswith(reverse("account_login"))
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()
    assert code_step(client, user).status_code == 302
    assert client.get(reverse("reviews:my_work")).status_code == 200


def test_a_session_opened_without_the_code_is_signed_out():
    """A session from before the authenticator was required (or made another way) does not reach staff pages."""
    user = staff(Role.DFE_REVIEWER)
    give_authenticator(user)
    client = Client()
    client.force_login(user)  # the plain client: a session with no record of a second factor
    response = client.get(reverse("reviews:my_work"))
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


def test_researchers_are_not_asked_for_a_second_factor():
    user = verified(researcher())
    client, response = password_step(user)
    assert response.status_code == 302
    assert response["Location"] != reverse("mfa_authenticate")
    assert client.get(reverse("applications:list")).status_code == 200


def test_the_admin_site_is_for_admins_with_a_second_factor(client):
    admin_user = staff(Role.ADMIN)
    client.force_login(admin_user)  # with a second factor, as tests/conftest.py's client does for staff
    assert client.get(reverse("admin:index")).status_code == 200

    other = Client()
    other.force_login(researcher())
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


def test_demo_staff_sign_in_with_the_code_demo_code_prints(capsys):
    from django.core.management import call_command

    from demo import users as demo
    from leo_access.models import User

    demo.ensure_demo_users()
    wait_for_fresh_code(seconds_needed=10)
    call_command("demo_code")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6
    assert code.isdigit()
    user = User.objects.get(email="dfe@example.com")
    client, response = password_step(user, password=demo.DEMO_PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    assert code_step(client, user, code=code).status_code == 302
    assert client.get(reverse("reviews:my_work")).status_code == 200
