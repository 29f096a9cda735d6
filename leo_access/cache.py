"""Django's Redis cache, kept out of the way of pages when Redis is down.

The cache holds sign-in rate limits, authenticator codes already used, idle-session times and computed figures.
When Redis cannot be reached, reads miss and writes are dropped, each logged as an error, so people can still
sign in and work; rate limits and the one-use rule for authenticator codes are not enforced until it is back.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
# After a failure the cache is left alone for this long, so that one page does not wait on every cache call
# of the page (a sign-in makes a dozen) while Redis does not answer.
RETRY_AFTER_SECONDS = 15


def _degraded(operation, fallback):
    def method(self, *args, **kwargs):
        if time.monotonic() < ResilientRedisCache.unreachable_until:
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        try:
            return getattr(super(ResilientRedisCache, self), operation)(*args, **kwargs)
        except (RedisError, OSError):
            ResilientRedisCache.unreachable_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.error(
                "The cache is unreachable: %s skipped, and the cache left alone for %s s",
                operation,
                RETRY_AFTER_SECONDS,
                exc_info=True,
            )
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = operation
    return method


def _default(key, default=None, *args, **kwargs):
    return default


def _computed(key, default, *args, **kwargs):
    return default() if callable(default) else default


class ResilientRedisCache(RedisCache):
    unreachable_until = 0.0  # monotonic time; shared by the process's cache objects
    get = _degraded("get", _default)
    get_many = _degraded("get_many", {})
    get_or_set = _degraded("get_or_set", _computed)
    has_key = _degraded("has_key", False)
    # An `add` that cannot reach Redis reports success, so that a lock taken with it does not hold people up.
    add = _degraded("add", True)
    set = _degraded("set", None)
    set_many = _degraded("set_many", [])
    touch = _degraded("touch", False)
    delete = _degraded("delete", False)
    delete_many = _degraded("delete_many", None)
    incr = _degraded("incr", None)
