"""The embedded default (`make run`): SQLite, tasks in-process, e-mail to the console.

Any variable already in the environment wins, so `DATABASE_URL=... make run`
points the embedded service at another database.
"""

import os
from pathlib import Path

_BASE_DIR = Path(__file__).resolve().parent.parent.parent
_DEFAULTS = {
    "DEBUG": "true",
    # A fixed key is acceptable only because this profile never serves the public.
    "SECRET_KEY": "embedded-only-not-secret-3f1c9e0b7d5a4c2e8f6b1a0d9c7e5b3a",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": f"sqlite:///{_BASE_DIR / 'db.sqlite3'}",
    "MEDIA_ROOT": str(_BASE_DIR / "media"),
    "EMAIL_URL": "consolemail://",
    "LOG_FORMAT": "console",
}
for _name, _value in _DEFAULTS.items():
    os.environ.setdefault(_name, _value)

from .base import *  # noqa: E402,F403
