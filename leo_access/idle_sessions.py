"""Sign people out after a period without activity (SESSION_IDLE_TIMEOUT seconds)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

LAST_SEEN = "leo_last_seen"
# Writing the session on every request would cost a database write per page; a minute's precision is enough.
TOUCH_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN)
            timeout = settings.SESSION_IDLE_TIMEOUT
            if last_seen is not None and now - last_seen > timeout:
                logout(request)
                minutes = max(1, round(timeout / 60))
                messages.info(
                    request,
                    f"You were signed out because you had not used LEO Access for {minutes} minutes. "
                    "Sign in again to carry on; anything you saved is kept.",
                )
                if request.method == "GET":
                    return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
                return redirect("account_login")
            if last_seen is None or now - last_seen > TOUCH_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
