"""The test profile (`make test`): the real PostgreSQL and Redis on this machine."""

import os
from pathlib import Path

_DEFAULTS = {
    "SECRET_KEY": "test-only-not-secret-9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/leo_access",
    "REDIS_URL": "redis://127.0.0.1:6379/14",
    "EMAIL_URL": "consolemail://",
    "SECURE_SSL_REDIRECT": "false",
    "MEDIA_ROOT": str(Path(__file__).resolve().parent.parent.parent / "var" / "test-media"),
}
for _name, _value in _DEFAULTS.items():
    os.environ.setdefault(_name, _value)

from .base import *  # noqa: E402,F403

# The test worker process sends through the real SMTP server the tests start (tests/conftest.py).
if not os.environ.get("LEO_TEST_WORKER_SMTP"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests that exercise tasks start a real worker; the rest must not need one.
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_STORE_EAGER_RESULT = True
ACCOUNT_RATE_LIMITS = False
# Each test process keeps its own cache, so parallel runs and tests cannot see each other's entries.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests empty the shared cache between them; the register's pages follow at once rather than a second later.
REGISTER_VERSION_CHECK_SECONDS = 0
