"""Liveness checks for /healthz: the database, the Celery broker and the workers."""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection

from .celery import app


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means the database is unusable
        return Check(False, f"database unreachable: {type(exc).__name__}")
    return Check(True, f"{connection.vendor} reachable")


def check_broker() -> Check:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return Check(True, "tasks run in-process (embedded mode); no broker needed")
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return Check(False, f"broker unreachable: {type(exc).__name__}")
    return Check(True, "broker reachable")


def check_worker() -> Check:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return Check(True, "tasks run in-process (embedded mode); no worker needed")
    try:
        with app.connection_for_write() as conn:
            replies = app.control.ping(timeout=1.0, connection=conn)
    except Exception as exc:
        return Check(False, f"workers could not be asked: {type(exc).__name__}")
    if not replies:
        return Check(False, "no worker answered within 1 second")
    return Check(True, f"{len(replies)} worker(s) answered")


def run_checks() -> tuple[bool, dict]:
    checks = {"database": check_database(), "broker": check_broker()}
    # A worker cannot answer through a broker that is down; say so rather than wait.
    checks["worker"] = check_worker() if checks["broker"].ok else Check(False, "not checked: broker is down")
    healthy = all(check.ok for check in checks.values())
    return healthy, {name: asdict(check) for name, check in checks.items()}
