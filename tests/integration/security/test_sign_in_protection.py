"""Repeated failed sign-ins lock the account out for a while; no page reveals whether an address has an account."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from leo_access.settings import base as base_settings
from tests.factories import researcher

from .helpers import password_step, verified

pytestmark = pytest.mark.django_db

# The limits production runs with (the test settings turn rate limits off), as base settings build them.
PER_ACCOUNT, PER_ADDRESS = base_settings.SIGN_IN_FAILURES_PER_ACCOUNT, base_settings.SIGN_IN_FAILURES_PER_ADDRESS
PRODUCTION_LIMITS = base_settings.ACCOUNT_RATE_LIMITS
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


def test_the_limits_are_five_per_account_and_a_hundred_per_client_address():
    assert (PER_ACCOUNT, PER_ADDRESS) == (5, 100)
    assert PRODUCTION_LIMITS["login_failed"] == "100/5m/ip,5/5m/key"


def fail_from(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": "not the password"})


def test_a_few_peoples_failures_behind_one_address_lock_nobody_else_out(rate_limits):
    """A university's NAT: several people mistype their passwords from one address; the others still sign in."""
    nat = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(3):
        for person in [verified(researcher()) for _ in range(3)]:
            assert TOO_MANY not in fail_from(nat, person.email).content.decode()
    colleague = verified(researcher())
    _, response = password_step(colleague, client=Client(REMOTE_ADDR="192.0.2.10"))
    assert response.status_code == 302


# allauth also limits sign-in attempts of any outcome (30 a minute per address by default); without it here,
# so that these tests measure the failed-attempt limits alone.
FAILURES_ONLY = {**PRODUCTION_LIMITS, "login": ""}


@override_settings(ACCOUNT_RATE_LIMITS=FAILURES_ONLY)
def test_one_address_is_refused_after_a_hundred_failures_across_accounts(rate_limits):
    client = Client(REMOTE_ADDR="192.0.2.20")
    for number in range(PER_ADDRESS):
        assert TOO_MANY not in fail_from(client, f"guess{number}@example.org").content.decode(), number
    _, response = password_step(verified(researcher()), client=Client(REMOTE_ADDR="192.0.2.20"))
    assert TOO_MANY in response.content.decode()
    _, response = password_step(verified(researcher()), client=Client(REMOTE_ADDR="192.0.2.21"))
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


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1, ACCOUNT_RATE_LIMITS=FAILURES_ONLY)
def test_behind_the_proxy_each_client_has_its_own_limit_and_cannot_choose_its_address(rate_limits):
    """The proxy appends the address it saw; anything the client put before it is ignored."""
    victim, other = verified(researcher()), verified(researcher())
    for number in range(PER_ADDRESS):
        Client(HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="10.0.0.1").post(
            reverse("account_login"), {"login": f"someone{number}@example.org", "password": "guess"}
        )
    # The same proxy, another client: not locked out by the first client's failures.
    _, response = password_step(other, client=Client(HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.1"))
    assert response.status_code == 302
    # The locked-out client claiming another address in front of the proxy's entry is still itself.
    spoofed = Client(HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7", REMOTE_ADDR="10.0.0.1")
    _, response = password_step(victim, client=spoofed)
    assert TOO_MANY in response.content.decode()
