"""Settings come from the environment, fail fast with a hint, and are secure in production."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "leo_access.settings.production",
    "SECRET_KEY": "a-long-random-value-for-this-test-only-0123456789abcdefghij",
    "ALLOWED_HOSTS": "leo-access.example",
    "DATABASE_URL": "postgres://leo:secret@db.example:5432/leo_access",
    "REDIS_URL": "redis://redis.example:6379/0",
    "EMAIL_URL": "smtp://mail.example:25",
}
SETTINGS_TO_REPORT = [
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "MEDIA_ROOT",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "EMAIL_BACKEND",
    "ALLAUTH_TRUSTED_PROXY_COUNT",
    "CACHES",
]


def load_settings(env: dict) -> subprocess.CompletedProcess:
    """Import a settings profile in a fresh interpreter with exactly this environment."""
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "db = settings.DATABASES['default'];"
        f"out = {{k: str(getattr(settings, k)) for k in {SETTINGS_TO_REPORT!r}}};"
        "out['DB_ENGINE'] = db['ENGINE']; out['DB_NAME'] = str(db['NAME']); out['DB_HOST'] = db.get('HOST', '');"
        "out['CSP'] = json.dumps(settings.CONTENT_SECURITY_POLICY, default=str);"
        "print(json.dumps(out))"
    )
    base = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=60
    )


def loaded(env: dict) -> dict:
    result = load_settings(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_required_variable_and_says_how_to_fix_it(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}

    result = load_settings(env)

    assert result.returncode != 0
    assert f"Set the environment variable {missing}" in result.stderr


def test_production_refuses_debug():
    result = load_settings(PRODUCTION_ENV | {"DEBUG": "true"})

    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_is_secure_by_default():
    values = loaded(PRODUCTION_ENV)

    assert values["DEBUG"] == "False"
    assert int(values["SECURE_HSTS_SECONDS"]) >= 31536000
    assert values["SESSION_COOKIE_SECURE"] == "True"
    assert values["CSRF_COOKIE_SECURE"] == "True"
    assert values["SECURE_SSL_REDIRECT"] == "True"
    csp = json.loads(values["CSP"])["DIRECTIVES"]
    assert "'unsafe-inline'" not in json.dumps(csp)
    assert csp["frame-ancestors"] == ["'none'"]


def test_database_url_accepts_postgres_and_sqlite_forms(tmp_path):
    postgres = loaded(PRODUCTION_ENV)
    assert postgres["DB_ENGINE"] == "django.db.backends.postgresql"
    assert (postgres["DB_NAME"], postgres["DB_HOST"]) == ("leo_access", "db.example")

    sqlite = loaded(PRODUCTION_ENV | {"DATABASE_URL": f"sqlite:///{tmp_path}/other.sqlite3"})
    assert sqlite["DB_ENGINE"] == "django.db.backends.sqlite3"
    assert sqlite["DB_NAME"] == f"{tmp_path}/other.sqlite3"


def test_media_root_and_redis_url_come_from_the_environment(tmp_path):
    values = loaded(PRODUCTION_ENV | {"MEDIA_ROOT": str(tmp_path / "files")})

    assert values["MEDIA_ROOT"] == str(tmp_path / "files")
    assert values["CELERY_BROKER_URL"] == "redis://redis.example:6379/0"
    assert values["CELERY_TASK_ALWAYS_EAGER"] == "False"


def test_embedded_default_needs_no_services():
    values = loaded({"DJANGO_SETTINGS_MODULE": "leo_access.settings.embedded"})

    assert values["DB_ENGINE"] == "django.db.backends.sqlite3"
    assert values["CELERY_TASK_ALWAYS_EAGER"] == "True"
    assert values["CELERY_BROKER_URL"] == "memory://"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["SECURE_SSL_REDIRECT"] == "False"


def test_production_reads_the_client_address_behind_one_proxy_unless_told_otherwise():
    assert loaded(PRODUCTION_ENV)["ALLAUTH_TRUSTED_PROXY_COUNT"] == "1"
    assert loaded(PRODUCTION_ENV | {"TRUSTED_PROXY_COUNT": "2"})["ALLAUTH_TRUSTED_PROXY_COUNT"] == "2"
    assert loaded(PRODUCTION_ENV | {"TRUSTED_PROXY_COUNT": "0"})["ALLAUTH_TRUSTED_PROXY_COUNT"] == "0"
    # Without a proxy nothing in the request is trusted for the address.
    assert loaded({"DJANGO_SETTINGS_MODULE": "leo_access.settings.embedded"})["ALLAUTH_TRUSTED_PROXY_COUNT"] == "0"


def test_production_shares_rate_limits_and_used_codes_between_processes_through_redis():
    assert "RedisCache" in loaded(PRODUCTION_ENV)["CACHES"]
