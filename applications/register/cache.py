"""The public register's cache: rendered pages and filter choices, kept until the register changes.

Every entry belongs to a version of the register, a token that changes whenever an application enters or leaves
the register or changes on it (any event on an application in, or moving into or out of, `REGISTER_STATES`), and
whenever a researcher's profile (name, organisation) changes. Keys carry the version, so entries of an older one
are never used again; they expire after `REGISTER_CACHE_SECONDS`, which also bounds how long a change made without
an event (in the admin site) takes to show.

Two levels: the shared cache (Redis), and in each process the version, read again from the shared cache at most
every `REGISTER_VERSION_CHECK_SECONDS`, with the pages most recently served at that version. A page served again
then costs no round trip at all; another process sees a change within that many seconds, the process that made it
at once. See docs/adr/0016-a-public-register-cached-by-version.md.
"""

import hashlib
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from ..models import ApplicationEvent
from ..states import REGISTER_STATES

VERSION_KEY = "register:version"
# Pages kept in each process (about 60 kB each).
LOCAL_PAGES = 128

_lock = threading.Lock()
_version = {"token": None, "read_at": 0.0}
_pages: OrderedDict = OrderedDict()


def version() -> str:
    now = time.monotonic()
    if _version["token"] and now - _version["read_at"] < settings.REGISTER_VERSION_CHECK_SECONDS:
        return _version["token"]
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        # Without a shared cache (Redis unreachable) nothing is kept there: this process's version stands.
        current = cache.get(VERSION_KEY) or _version["token"] or uuid.uuid4().hex
    _version.update(token=current, read_at=now)
    return current


def bump():
    token = uuid.uuid4().hex
    cache.set(VERSION_KEY, token, None)
    _version.update(token=token, read_at=time.monotonic())


def forget_local():
    """Drop this process's version and pages (after the shared cache was emptied, in tests and benchmarks)."""
    with _lock:
        _version.update(token=None, read_at=0.0)
        _pages.clear()


def key(at: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1e".join(parts).encode()).hexdigest()
    return f"register:{at}:{digest}"


def cached(parts: tuple[str, ...], compute, *, at: str | None = None):
    """The shared cache's value for these key parts at the register's version `at` (now, if not given), computed
    and kept if missing."""
    name = key(at or version(), *parts)
    value = cache.get(name)
    if value is None:
        value = compute()
        cache.set(name, value, settings.REGISTER_CACHE_SECONDS)
    return value


def _remember(name: str, value):
    with _lock:
        _pages[name] = (value, time.monotonic())
        _pages.move_to_end(name)
        while len(_pages) > LOCAL_PAGES:
            _pages.popitem(last=False)


def page(address: str) -> tuple[str, object]:
    """The register's version, and the page kept for this address at that version (None if there is none)."""
    current = version()
    name = key(current, "page", address)
    with _lock:
        local = _pages.get(name)
    if local is not None and time.monotonic() - local[1] < settings.REGISTER_CACHE_SECONDS:
        return current, local[0]
    value = cache.get(name)
    if value is not None:
        _remember(name, value)
    return current, value


def keep_page(value, at: str, address: str):
    name = key(at, "page", address)
    cache.set(name, value, settings.REGISTER_CACHE_SECONDS)
    _remember(name, value)


def on_event_committed(sender, *, event_id, **kwargs):
    """A committed application event: the register changes if the application is, was or becomes on it."""
    states = ApplicationEvent.objects.filter(pk=event_id).values_list("from_state", "to_state").first()
    if states and (states[0] in REGISTER_STATES or states[1] in REGISTER_STATES):
        bump()


def on_profile_saved(sender, **kwargs):
    """A researcher's name or organisation may be on the register."""
    transaction.on_commit(bump)
