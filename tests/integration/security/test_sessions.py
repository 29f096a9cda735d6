"""Sessions end after inactivity, and changing a password signs every other session out."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, researcher

from .helpers import signed_in, verified

pytestmark = pytest.mark.django_db


def test_a_session_ends_after_the_idle_timeout():
    user = verified(researcher())
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client, _ = signed_in(user)
        assert client.get(reverse("applications:list")).status_code == 200
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60))
        assert client.get(reverse("applications:list")).status_code == 200
        # Activity moved the deadline: nearly another whole timeout later the session is still alive.
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60))
        assert client.get(reverse("applications:list")).status_code == 200
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1))
        response = client.get(reverse("applications:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "You were signed out because you had not used LEO Access for 30 minutes" in page.content.decode()


def test_changing_the_password_signs_out_every_other_session():
    user = verified(researcher())
    laptop, _ = signed_in(user)
    phone, _ = signed_in(user)
    assert phone.get(reverse("applications:list")).status_code == 200
    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a completely new passphrase 7",
            "password2": "a completely new passphrase 7",
        },
    )
    assert response.status_code == 302
    assert laptop.get(reverse("applications:list")).status_code == 200
    stolen = phone.get(reverse("applications:list"))
    assert stolen.status_code == 302
    assert stolen["Location"].startswith(reverse("account_login"))


def test_signing_out_ends_the_session():
    user = verified(researcher())
    client, _ = signed_in(user)
    key = client.session.session_key
    client.post(reverse("account_logout"))
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()
    assert (
        Client(HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={key}").get(reverse("applications:list")).status_code == 302
    )


def test_keeping_a_session_alive_writes_nothing_to_the_database():
    """Pages have query budgets: the time of the last request is kept in the cache, not in the session row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = verified(researcher())
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client, _ = signed_in(user)
        client.get(reverse("applications:list"))
        clock.shift(timedelta(seconds=90))  # past the minute after which the last-seen time is refreshed
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("applications:list")).status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]
    assert writes == []


def test_an_unreachable_cache_does_not_stop_the_pages(monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    from leo_access import idle_sessions

    def unreachable(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    user = verified(researcher())
    client, _ = signed_in(user)
    monkeypatch.setattr(idle_sessions.cache, "get", unreachable)
    assert client.get(reverse("applications:list")).status_code == 200
