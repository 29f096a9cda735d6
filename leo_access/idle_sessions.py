"""Sign people out after a period without activity (SESSION_IDLE_TIMEOUT seconds).

The time of each person's last request is kept in the cache (Redis in production), keyed by their session,
rather than in the session itself: writing the session would add database writes to every page, now and
then, and pages have query budgets. If the cache is unreachable the check is skipped (and logged) rather than
failing every page; the session still ends after SESSION_COOKIE_AGE.
"""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import reverse
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
CACHE_ERRORS = (RedisError, OSError)
# A minute's precision is enough; fewer cache writes.
TOUCH_EVERY_SECONDS = 60


def _key(request) -> str:
    return f"idle:last-seen:{request.session.session_key}"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.session.session_key:
            try:
                signed_out = self._check(request)
            except CACHE_ERRORS:
                logger.warning("Could not check the idle time of a session; the cache is unreachable", exc_info=True)
                signed_out = None
            if signed_out is not None:
                return signed_out
        return self.get_response(request)

    def _check(self, request):
        now = time.time()
        key = _key(request)
        last_seen = cache.get(key)
        timeout = settings.SESSION_IDLE_TIMEOUT
        if last_seen is not None and now - last_seen > timeout:
            cache.delete(key)
            logout(request)
            minutes = max(1, round(timeout / 60))
            messages.info(
                request,
                f"You were signed out because you had not used LEO Access for {minutes} minutes. "
                "Sign in again to carry on; anything you saved is kept.",
            )
            if request.method == "GET":
                return redirect_to_login(request.get_full_path(), reverse("account_login"))
            return redirect("account_login")
        if last_seen is None or now - last_seen > TOUCH_EVERY_SECONDS:
            cache.set(key, now, timeout=settings.SESSION_COOKIE_AGE)
        return None
