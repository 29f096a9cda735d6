"""Redis, as the cache, stopped or frozen: people still sign in (with their second factor) and work.

The production cache is `leo_access.cache.ResilientRedisCache`; here it points at the test's own Redis server.
"""

import logging
import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from redis.backoff import NoBackoff
from redis.retry import Retry

from leo_access.cache import ResilientRedisCache
from leo_access.roles import Role
from tests.factories import PASSWORD, give_authenticator, researcher, staff, totp_code
from tests.integration.security.helpers import verified

from .conftest import RedisServer

pytestmark = pytest.mark.django_db

LIMITS = {"login_failed": "5/5m/ip,5/5m/key", "signup": "20/h/ip", "reset_password": "20/h/ip,5/h/key"}


@pytest.fixture
def redis_cache(tmp_path):
    server = RedisServer(tmp_path / "redis.log")
    server.start()
    location = {
        "BACKEND": "leo_access.cache.ResilientRedisCache",
        "LOCATION": server.url,
        # As production's (leo_access/settings/base.py): one try, one second.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "retry": Retry(NoBackoff(), 0)},
    }
    ResilientRedisCache.unreachable_until = 0.0
    with override_settings(CACHES={"default": location}, ACCOUNT_RATE_LIMITS=LIMITS):
        yield server
    server.stop()
    ResilientRedisCache.unreachable_until = 0.0


def sign_in(user):
    client = Client()
    started = time.monotonic()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    return client, response, time.monotonic() - started


def test_the_cache_in_redis_is_used_while_it_is_up(redis_cache):
    cache.set("probe", 1)
    assert redis_cache.client().keys("*probe*")


@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_staff_sign_in_with_their_code_while_the_cache_is_down(redis_cache, outage, caplog):
    user = verified(staff(Role.PANEL_MEMBER))
    give_authenticator(user)
    if outage == "stopped":
        redis_cache.stop()
    else:
        redis_cache.freeze()
    with caplog.at_level(logging.ERROR, logger="leo_access.cache"):
        client, response, took = sign_in(user)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert client.post(reverse("mfa_authenticate"), {"code": totp_code()}).status_code == 302
        assert client.get(reverse("reviews:meetings")).status_code == 200
    assert "The cache is unreachable" in caplog.text
    # The first cache call gives up within its one-second timeout; the rest skip the cache for a while.
    assert took < 5


def test_researchers_work_while_the_cache_is_down(redis_cache):
    user = verified(researcher())
    give_authenticator(user)
    redis_cache.stop()
    client, response, _ = sign_in(user)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code()}).status_code == 302
    assert client.get(reverse("applications:list")).status_code == 200
