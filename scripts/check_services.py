"""Stops `make test` at once, with a hint, when PostgreSQL or Redis is not reachable."""

import os
import sys
from urllib.parse import urlsplit

import psycopg
import redis

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leo_access")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")

START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'


def main() -> int:
    problems = []
    url = urlsplit(DATABASE_URL)
    database = url.path.lstrip("/")
    maintenance_url = url._replace(scheme="postgresql", path="/postgres").geturl()
    try:
        with psycopg.connect(maintenance_url, connect_timeout=3, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{database}"')
    except psycopg.OperationalError as exc:
        problems.append(
            f"PostgreSQL is not reachable at {url.hostname}:{url.port} ({exc}).\n  Start it with: {START_POSTGRES}"
        )
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        problems.append(f"Redis is not reachable at {REDIS_URL} ({exc}).\n  Start it with: {START_REDIS}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
