"""The public register's cache: rendered pages and filter choices, kept until the register changes.

Every key carries the register's version, a token that changes whenever an application enters or leaves the
register or changes on it (any event on an application in, or moving into or out of, `REGISTER_STATES`), and
whenever a researcher's profile (name, organisation) changes. Old keys are never read again and expire after
`REGISTER_CACHE_SECONDS`, which also bounds how long a change made without an event (in the admin site) takes
to show. See docs/adr/0010-a-public-register-cached-by-version.md.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from ..models import ApplicationEvent
from ..states import REGISTER_STATES

VERSION_KEY = "register:version"


def version() -> str:
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        # Without a cache (Redis unreachable) nothing is kept, and every request reads afresh.
        current = cache.get(VERSION_KEY) or uuid.uuid4().hex
    return current


def bump():
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def key(*parts: str) -> str:
    digest = hashlib.sha256("\x1e".join(parts).encode()).hexdigest()
    return f"register:{version()}:{digest}"


def cached(parts: tuple[str, ...], compute):
    """The cached value for these key parts, computed and kept if missing."""
    name = key(*parts)
    value = cache.get(name)
    if value is None:
        value = compute()
        cache.set(name, value, settings.REGISTER_CACHE_SECONDS)
    return value


def on_event_committed(sender, *, event_id, **kwargs):
    """A committed application event: the register changes if the application is, was or becomes on it."""
    states = ApplicationEvent.objects.filter(pk=event_id).values_list("from_state", "to_state").first()
    if states and (states[0] in REGISTER_STATES or states[1] in REGISTER_STATES):
        bump()


def on_profile_saved(sender, **kwargs):
    """A researcher's name or organisation may be on the register."""
    transaction.on_commit(bump)
