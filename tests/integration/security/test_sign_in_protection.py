"""Repeated failed sign-ins lock the account out for a while; no page reveals whether an address has an account."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import researcher

from .helpers import password_step, verified

pytestmark = pytest.mark.django_db

PRODUCTION_LIMITS = {"login_failed": "5/5m/ip,5/5m/key", "signup": "20/h/ip", "reset_password": "20/h/ip,5/h/key"}
TOO_MANY = "Too many failed login attempts. Try again later."


@pytest.fixture
def rate_limits():
    cache.clear()
    with override_settings(ACCOUNT_RATE_LIMITS=PRODUCTION_LIMITS):
        yield
    cache.clear()


def test_five_failed_sign_ins_lock_the_account_out_even_with_the_right_password(rate_limits):
    user = verified(researcher())
    client = Client()
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "not the password"})
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()
    _, response = password_step(user, client=client)
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_address_as_well_as_per_machine(rate_limits):
    """Another machine trying the same address is locked out too; another address from elsewhere is not."""
    victim, bystander = verified(researcher()), verified(researcher())
    for number in range(5):
        Client(REMOTE_ADDR=f"10.0.0.{number + 1}").post(
            reverse("account_login"), {"login": victim.email, "password": "guess"}
        )
    _, response = password_step(victim, client=Client(REMOTE_ADDR="10.0.1.1"))
    assert TOO_MANY in response.content.decode()
    _, response = password_step(bystander, client=Client(REMOTE_ADDR="10.0.1.2"))
    assert response.status_code == 302


def test_sign_in_says_the_same_for_an_unknown_address_and_a_wrong_password():
    user = verified(researcher())
    wrong_password = Client().post(reverse("account_login"), {"login": user.email, "password": "wrong password"})
    unknown = Client().post(reverse("account_login"), {"login": "nobody@example.org", "password": "wrong password"})
    assert wrong_password.status_code == unknown.status_code == 200
    message = "The email address and/or password you specified are not correct."
    assert message in wrong_password.content.decode()
    assert message in unknown.content.decode()


def test_password_reset_answers_the_same_whether_or_not_the_address_has_an_account():
    user = verified(researcher())
    known = Client().post(reverse("account_reset_password"), {"email": user.email})
    unknown = Client().post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    # Only the account holder's inbox learns anything.
    reset = [message for message in mail.outbox if user.email in message.to]
    assert len(reset) == 1
    assert "reset" in reset[0].subject.lower()


def test_signing_up_with_a_taken_address_looks_the_same_as_a_new_one():
    user = verified(researcher())
    data = {"password1": "a long new passphrase 42", "password2": "a long new passphrase 42"}
    taken = Client().post(reverse("account_signup"), {"email": user.email, **data})
    new = Client().post(reverse("account_signup"), {"email": "someone.new@example.org", **data})
    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"] == reverse("account_email_verification_sent")
    # The holder of the taken address is told by e-mail instead.
    assert any(user.email in message.to for message in mail.outbox)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_each_client_has_its_own_limit_and_cannot_choose_its_address(rate_limits):
    """The proxy appends the address it saw; anything the client put before it is ignored."""
    victim, other = verified(researcher()), verified(researcher())
    for _ in range(5):
        Client(HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="10.0.0.1").post(
            reverse("account_login"), {"login": "someone@example.org", "password": "guess"}
        )
    # The same proxy, another client: not locked out by the first client's failures.
    _, response = password_step(other, client=Client(HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.1"))
    assert response.status_code == 302
    # The locked-out client claiming another address in front of the proxy's entry is still itself.
    spoofed = Client(HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7", REMOTE_ADDR="10.0.0.1")
    _, response = password_step(victim, client=spoofed)
    assert TOO_MANY in response.content.decode()
