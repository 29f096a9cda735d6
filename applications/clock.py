"""The time the lifecycle records. Generated demo histories set it to the past."""

import contextlib
import threading
from datetime import datetime

from django.utils import timezone

_local = threading.local()


def now() -> datetime:
    return getattr(_local, "now", None) or timezone.now()


@contextlib.contextmanager
def frozen_at(moment: datetime):
    """Record everything inside the block as happening at `moment` (for generated histories only)."""
    previous = getattr(_local, "now", None)
    _local.now = moment
    try:
        yield
    finally:
        _local.now = previous
