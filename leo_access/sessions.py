"""Signing out everywhere: ending every session a person has, in this browser and in any other.

Sessions are kept by Django's database engine (SESSION_ENGINE is not set, so it is
`django.contrib.sessions.backends.db`): each is a row whose encoded data holds the signed-in person's id. The
rows are not indexed by person, so the unexpired ones are read and decoded to find that person's. Sessions last
at most SESSION_COOKIE_AGE (a working day) and expired rows are cleared every six hours, so these are a day's
sign-ins at most; keeping a second record of session keys per person would be one more thing to keep in step,
for no gain at this size. Each is ended through the engine's own store, which also empties its cache copy if
the engine is ever switched to `cached_db`. A cache-only engine keeps no rows to find: `session_model` refuses
it, rather than sign nobody out while saying it did.
"""

from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from .audit.models import AuditKind
from .audit.services import record
from .models import User


def session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_model():
    store = session_store()
    if not hasattr(store, "get_model_class"):
        raise ImproperlyConfigured(f"Signing out everywhere needs sessions kept in the database, not {store}.")
    return store.get_model_class()


def session_keys_of(user) -> list[str]:
    unexpired = session_model().objects.filter(expire_date__gt=timezone.now())
    return [
        session.session_key
        for session in unexpired.iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]


def end_every_session(*, user: User, by: User, request=None) -> int:
    """End all of `user`'s sessions; returns how many there were. People sign only themselves out here."""
    if user.pk != by.pk:
        raise PermissionError("People may only sign themselves out everywhere.")
    store = session_store()
    with transaction.atomic():
        # One at a time per person, so that a session opened meanwhile is either found or opened after this.
        User.objects.select_for_update().get(pk=user.pk)
        keys = session_keys_of(user)
        for key in keys:
            store(session_key=key).delete()
        record(
            kind=AuditKind.SIGN_OUT,
            by=by,
            request=request,
            summary=f"{user.email} signed out everywhere ({len(keys)} session{'s' if len(keys) != 1 else ''} ended)",
            data={"everywhere": True, "sessions_ended": len(keys)},
        )
    return len(keys)


@require_POST
@login_required
def sign_out_everywhere(request):
    user = request.user
    end_every_session(user=user, by=user, request=request)
    # This session's row is already gone; logout() clears what the request still holds of it.
    logout(request)
    messages.success(request, "You have been signed out on every browser and device, including this one.")
    return redirect("home")
