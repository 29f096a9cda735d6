"""Real services that a test can break: a Redis server of its own, workers it can kill, database locks.

The machine's shared Redis is never stopped. Each test starts its own redis-server on a free port, points this
process's Celery app at it and starts its own workers against it, so nothing here reaches the session's
`celery_worker` or other people's queues.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings
from django.core.files.storage import default_storage

from leo_access.celery import app as celery_app
from tests.smtp import free_port

# The S3-compatible server (moto) and a bucket per test, as the object-storage tests start them.
from ..storage.conftest import bucket, keys, s3_endpoint, storage_env  # noqa: F401

ROOT = Path(__file__).resolve().parents[3]
# The queue Celery publishes to, and kombu's keys for messages handed to a worker and not yet acknowledged.
QUEUE, UNACKED = "celery", "unacked"


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.1):
    """Poll until `condition()` returns something true, and return it; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"Waited {timeout} s for {what}")


class RedisServer:
    """A redis-server of the test's own, without persistence: stopping it loses what it held, as an outage may."""

    def __init__(self, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed; the fault tests run their own Redis server")
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(self._answers, timeout=10, what=f"redis-server on port {self.port} to answer")

    def _answers(self) -> bool:
        try:
            return self.client().ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)  # a frozen server cannot act on SIGTERM
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def freeze(self):
        """The server keeps its port open and accepts connections, but answers nothing (SIGSTOP)."""
        self.process.send_signal(signal.SIGSTOP)

    def messages(self, key: str = QUEUE) -> list[dict]:
        """The task messages waiting in the queue, or handed to a worker and not yet acknowledged (UNACKED)."""
        client = self.client()
        if key == UNACKED:
            return [json.loads(raw)[0] for raw in client.hvals(UNACKED)]
        return [json.loads(raw) for raw in client.lrange(QUEUE, 0, -1)]

    def tasks(self, key: str = QUEUE) -> list[tuple[str, str]]:
        """(task name, arguments as Celery shows them) of each message, for example ("…validate…", "(12,)")."""
        return [(message["headers"]["task"], message["headers"]["argsrepr"]) for message in self.messages(key)]

    def delivered_at(self) -> list[float]:
        """When each unacknowledged message was handed to a worker (kombu's index of them, in epoch seconds)."""
        return [score for _, score in self.client().zrange("unacked_index", 0, -1, withscores=True)]


@pytest.fixture
def broker(tmp_path):
    """A Redis server of this test's own, which this process's Celery app publishes to for the whole test."""
    server = RedisServer(tmp_path / "redis.log")
    server.start()
    previous = celery_app.conf.broker_url
    _publish_to(url=server.url)
    yield server
    server.stop()
    _publish_to(url=previous)


def _publish_to(*, url: str):
    celery_app.conf.broker_url = url
    # Drop the app's references to the pooled connections, as Celery does in a forked process; kombu keeps each
    # broker's pool open, so the session's broker finds its own again afterwards.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def database_url() -> str:
    database = settings.DATABASES["default"]
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def database_connection(**kwargs) -> psycopg.Connection:
    """A connection of the test's own, beside Django's, for locks and for watching other sessions."""
    return psycopg.connect(database_url().replace("postgres://", "postgresql://", 1), connect_timeout=5, **kwargs)


@contextmanager
def database_lock(sql: str, params=()):
    """Hold the lock `sql` takes, in a transaction of its own, until the block ends."""
    with database_connection() as conn:
        conn.execute(sql, params)
        try:
            yield conn
        finally:
            conn.rollback()


def waiting_on_a_lock(fragment: str, *, exclude=()) -> list[int]:
    """Database sessions (pids) whose statement contains `fragment` and that are waiting for a lock."""
    with database_connection(autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid() AND position(%s in query) > 0",
            [fragment],
        ).fetchall()
    return [pid for (pid,) in rows if pid not in exclude]


class Worker:
    """A real Celery worker (prefork, one pool process, as production runs it) against the test's broker."""

    def __init__(self, broker: RedisServer, smtp_url: str, log_dir: Path, **env):
        self.node = f"faults-{uuid.uuid4().hex[:8]}@localhost"
        self.log_path = log_dir / f"worker-{self.node.split('@')[0]}.log"
        self.env = (
            os.environ
            | {
                "DJANGO_SETTINGS_MODULE": "leo_access.settings.test",
                "DATABASE_URL": database_url(),
                "REDIS_URL": broker.url,
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
                "EMAIL_URL": smtp_url,
                "LEO_TEST_WORKER_SMTP": "1",
                "EMAIL_TIMEOUT": "5",
            }
            | env
        )
        self.process = None

    def start(self):
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "leo_access",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=1",
                    "--without-gossip",
                    "--without-mingle",
                    "-n",
                    self.node,
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group, so that killing it takes its pool processes too, as losing a machine does.
                start_new_session=True,
            )
        wait_for(self._answers, timeout=60, what=f"the worker {self.node} to answer (log: {self.log_path})")
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"The worker {self.node} exited early; see {self.log_path}")
        return bool(celery_app.control.ping(destination=[self.node], timeout=0.5))

    def pool_process_running(self, task_name: str) -> int:
        """The pid of the pool process running `task_name` now."""

        def find():
            active = celery_app.control.inspect(destination=[self.node], timeout=1).active() or {}
            pids = [task["worker_pid"] for task in active.get(self.node, []) if task["name"] == task_name]
            return pids[0] if pids else None

        return wait_for(find, timeout=15, what=f"{self.node} to report {task_name} running")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL to the worker and its pool processes: nothing is acknowledged, restored or cleaned up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if not self.alive:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


class Storage:
    """Where a fault test's files are kept: the local disk (MEDIA_ROOT), or a bucket on the moto S3 server, which
    the test process and its workers reach as separate machines would, the workers with empty folders of their own."""

    def __init__(self, kind: str, env: dict, endpoint: str = "", bucket_name: str = ""):
        self.kind, self.env, self.endpoint, self.bucket = kind, env, endpoint, bucket_name

    def read(self, name: str) -> bytes:
        with default_storage.open(name, "rb") as handle:
            return handle.read()

    def files_in(self, folder: str) -> list[str]:
        return default_storage.listdir(folder)[1]

    def check_kept_in_the_bucket(self, *names: str):
        """In the bucket, and nothing in the workers' own folders (nothing at all for the disk)."""
        if self.kind != "s3":
            return
        stored = keys(self.endpoint, self.bucket)
        assert [name for name in names if name not in stored] == []
        local = Path(self.env["MEDIA_ROOT"])
        assert [path for path in local.rglob("*") if path.is_file()] == []


@pytest.fixture(params=["disk", "s3"])
def storage(request, tmp_path):
    """Each test that asks for it runs twice: files on the local disk, then in an S3 bucket."""
    if request.param == "disk":
        return Storage("disk", {})
    endpoint, name = request.getfixturevalue("s3_endpoint"), request.getfixturevalue("bucket")
    worker_media = tmp_path / "worker-media"
    worker_media.mkdir()
    return Storage("s3", storage_env(endpoint, name) | {"MEDIA_ROOT": str(worker_media)}, endpoint, name)


@pytest.fixture
def workers(request, broker, smtp_server, transactional_db, tmp_path):
    """Starts workers against the test's broker: `workers.start(**environment)`; all are stopped at the end. In a
    test that asks for `storage`, they keep files where it says."""
    storage_settings = request.getfixturevalue("storage").env if "storage" in request.fixturenames else {}

    class Workers:
        def __init__(self):
            self.started: list[Worker] = []

        def start(self, **env) -> Worker:
            worker = Worker(broker, smtp_server.url, tmp_path, **(storage_settings | env))
            self.started.append(worker)
            return worker.start()

    pool = Workers()
    yield pool
    for worker in pool.started:
        worker.stop()
