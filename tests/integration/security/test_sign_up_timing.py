"""Signing up answers in the same time whether or not the address already has an account.

The page's words are the same either way (ACCOUNT_PREVENT_ENUMERATION); the time it takes must not tell either.
A new address costs a password hash (PBKDF2, hundreds of milliseconds with the production hashers), so an
existing address must cost one too. Measured as the ratio of the median times of many interleaved sign-ups, each
from a fresh browser, with the production password hashers.
"""

import statistics
import time

import pytest
from django.conf import global_settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import researcher
from tests.integration.security.helpers import verified

pytestmark = pytest.mark.django_db

TRIES = 12
PASSWORD = "a-long-and-unusual-passphrase-9"


def sign_up(email) -> float:
    client = Client()
    client.get(reverse("account_signup"))
    started = time.perf_counter()
    response = client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    return elapsed


@override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS)
def test_sign_up_takes_as_long_for_an_address_with_an_account_as_for_a_new_one():
    existing = verified(researcher()).email
    sign_up(f"warm-up@{'example.org'}")
    times = {"existing": [], "new": []}
    for i in range(TRIES):
        # Interleaved, alternating which goes first, so that drift in the machine's load falls on both.
        for kind in ("existing", "new") if i % 2 else ("new", "existing"):
            times[kind].append(sign_up(existing if kind == "existing" else f"new-{i}@example.org"))
    ratio = statistics.median(times["new"]) / statistics.median(times["existing"])
    print(
        f"sign-up: new {statistics.median(times['new']) * 1000:.0f} ms, existing "
        f"{statistics.median(times['existing']) * 1000:.0f} ms, ratio {ratio:.2f}"
    )
    assert 0.5 <= ratio <= 2, f"a new address takes {ratio:.2f} times as long as an existing one"
    # Each sign-up sent its one message: a confirmation, or "you already have an account".
    assert len(mail.outbox) == 2 * TRIES + 1
