import os
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.test import Client as DjangoClient

from leo_access.celery import app as celery_app

from .smtp import SmtpServer

ROOT = Path(__file__).resolve().parent.parent


class Client(DjangoClient):
    """`force_login` signs people in as the sign-in page does: with a password and an authenticator code.

    Pages refuse a session without a second factor (leo_access/second_factor.py); the tests of that rule sign
    in through the real pages instead.
    """

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        from .factories import give_authenticator

        give_authenticator(user)
        session = self.session
        now = time.time()
        session["account_authentication_methods"] = [
            {"method": "password", "at": now, "email": user.email},
            {"method": "mfa", "at": now, "type": "totp"},
        ]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()


@pytest.fixture
def client():
    return Client()


# The logs whose TRUNCATE triggers are disabled in the test database only.
TRUNCATE_PROTECTED = ["applications_applicationevent", "leo_access_auditevent"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as migrated, but with the event and audit logs' TRUNCATE triggers disabled.

    pytest-django empties the database after each transactional test with one TRUNCATE of every table, which
    the triggers refuse, as they must in production. Only this database disables them; the tests of the
    triggers enable them again inside a transaction that is rolled back.
    """
    from django.db import connection

    from leo_access.append_only import truncate_trigger

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in TRUNCATE_PROTECTED:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {truncate_trigger(table)}")


@pytest.fixture(scope="session", autouse=True)
def _clean_test_media_and_queue():
    """Each run starts with an empty media folder and an empty test broker database."""
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    (ROOT / "var").mkdir(exist_ok=True)
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on 127.0.0.1 that the test worker sends its e-mail to."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, smtp_server):
    """A real Celery worker process consuming from Redis and writing to the test database.

    Tests that use it must commit their data: mark them django_db(transaction=True).
    Its e-mail goes to `smtp_server`; retries wait a second or two instead of minutes.
    """
    with running_worker({"EMAIL_URL": smtp_server.url, "LEO_TEST_WORKER_SMTP": "1"}) as node:
        yield node


def worker_log(node: str) -> Path:
    """Where the worker called `node` (as `running_worker` names it) writes its log."""
    return ROOT / "var" / f"test-worker-{os.getpid()}-{node}.log"


@contextmanager
def running_worker(extra_env: dict, queues: str = "", cwd=ROOT, broker_url: str = ""):
    """Start a worker process with the test settings and `extra_env`, consuming `queues` (default: the default
    queue) from `broker_url` (default: the test settings' broker), in `cwd`; stop it afterwards."""
    database = settings.DATABASES["default"]
    env = (
        os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "leo_access.settings.test",
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "EMAIL_TIMEOUT": "5",
            "NOTIFICATION_RETRY_SECONDS": "1",
            "NOTIFICATION_RETRY_MAX_SECONDS": "2",
        }
        | extra_env
    )
    node = f"test-{uuid.uuid4().hex[:8]}@localhost"
    log = open(worker_log(node), "w")  # noqa: SIM115 - closed below
    command = [sys.executable, "-m", "celery", "-A", "leo_access", "worker", "--pool=solo", "-n", node]
    process = subprocess.Popen(
        [*command, "--loglevel=INFO", *(["-Q", queues] if queues else [])],
        cwd=cwd,
        env=env | {"PYTHONPATH": str(ROOT)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def ready() -> bool:
        if broker_url:  # on another broker than this process's: its own word for it, in its log
            time.sleep(0.2)
            return f"{node} ready." in Path(log.name).read_text()
        return bool(celery_app.control.ping(destination=[node], timeout=0.5))

    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"The test worker exited early; see {log.name}")
            if ready():
                break
        else:
            raise RuntimeError(f"The test worker did not answer within 60 s; see {log.name}")
        yield node
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
