"""The event log and the audit log refuse UPDATE, DELETE and TRUNCATE in the database itself, on PostgreSQL
and on SQLite (the embedded default), whatever client asks."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils.timezone import now

from applications.models import ApplicationEvent
from leo_access.append_only import truncate_trigger
from leo_access.audit.models import AuditKind
from leo_access.audit.services import record
from tests.conftest import ROOT
from tests.factories import ApplicationFactory

LOGS = ["applications_applicationevent", "leo_access_auditevent"]


def count(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "statement"),
    [
        *[(table, f"TRUNCATE {table}") for table in LOGS],
        *[(table, f"TRUNCATE {table} CASCADE") for table in LOGS],
        ("applications_applicationevent", "TRUNCATE applications_application CASCADE"),
    ],
)
def test_postgresql_refuses_to_truncate_the_logs(table, statement):
    assert connection.vendor == "postgresql"
    application = ApplicationFactory()
    ApplicationEvent.objects.create(
        application=application, kind="created", actor_role="system", from_state="draft", to_state="draft", at=now()
    )
    record(kind=AuditKind.SIGN_IN, by=None, summary="x")
    before = count(table)
    assert before > 0
    with transaction.atomic(), connection.cursor() as cursor:
        # The test database disables the trigger (tests/conftest.py); production runs the migration as it is.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no foreign key checks left pending, so the table can change
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {truncate_trigger(table)}")
        with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"), transaction.atomic():
            cursor.execute(statement)
        assert count(table) == before
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_truncate_triggers_exist_and_are_disabled_only_for_the_test_database():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger WHERE tgname = ANY(%s)",
            [[truncate_trigger(table) for table in LOGS]],
        )
        assert sorted(cursor.fetchall()) == sorted((table, truncate_trigger(table), "D") for table in LOGS)


def dummy(column_type: str):
    column_type = column_type.lower()
    if "int" in column_type or "bool" in column_type or "decimal" in column_type or "real" in column_type:
        return 1
    if "datetime" in column_type or "date" in column_type:
        return "2026-01-01 00:00:00"
    if "json" in column_type or column_type == "text":
        return "{}"
    return "x"


def insert_row(db, table):
    columns = [row for row in db.execute(f"PRAGMA table_info({table})") if row[3] and not row[5]]  # NOT NULL, no pk
    names = ", ".join(column[1] for column in columns)
    marks = ", ".join("?" for _ in columns)
    db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", [dummy(column[2]) for column in columns])
    db.commit()


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    """A fresh SQLite database migrated by `manage.py migrate`, as `make run` does."""
    path = tmp_path_factory.mktemp("embedded") / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "leo_access.settings.embedded",
        "DATABASE_URL": f"sqlite:///{path}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return path


@pytest.mark.parametrize("table", LOGS)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
def test_sqlite_refuses_to_change_or_empty_the_logs(migrated_sqlite, table, statement):
    db = sqlite3.connect(migrated_sqlite)
    try:
        insert_row(db, table)
        before = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(statement.format(table=table))
        db.rollback()
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == before
    finally:
        db.close()
