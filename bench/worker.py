"""A real Celery worker process for benchmarks that time what users wait for: the path through the broker.

Started against the same database, Redis and media folder as the benchmark's own process, and stopped after.
"""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def running_worker():
    from django.conf import settings

    from leo_access.celery import app

    database = settings.DATABASES["default"]
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    node = f"bench-{uuid.uuid4().hex[:8]}@localhost"
    log_path = ROOT / "var" / f"bench-worker-{os.getpid()}.log"
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "leo_access", "worker", "--pool=solo", "-n", node],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while not app.control.ping(destination=[node], timeout=0.5):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"The benchmark's worker did not start; see {log_path}")
            yield node
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for(predicate, timeout: float = 600, every: float = 0.005):
    """Poll until predicate() is true; the polling interval bounds the error of a timing taken this way."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("Timed out waiting for the worker.")
        time.sleep(every)
