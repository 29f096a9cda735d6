"""A backup as the README says to make one (`pg_dump -Fc`, with `audit_chain_heads` beside it) restores into a
new database whose logs are whole, hold every row and still refuse changes."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from io import StringIO

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils.timezone import now

from applications.models import Application, ApplicationEvent
from leo_access.audit.models import AuditEvent, AuditKind
from leo_access.audit.services import record
from tests.conftest import ROOT
from tests.factories import ApplicationFactory

# `make test` installs them (scripts/install-system-packages.sh); without them the test fails rather than skips.
TOOLS_MISSING = "pg_dump and pg_restore are needed: apt-get install postgresql-client"

COUNTED = ["applications_application", "applications_applicationevent", "leo_access_auditevent"]
LOG_TRIGGERS = ("applications_applicationevent", "leo_access_auditevent")


def seed():
    for number in range(3):
        application = ApplicationFactory(title=f"Backed-up project {number}")
        for step in range(4):
            ApplicationEvent.objects.create(
                application=application,
                kind=f"step_{step}",
                actor_role="system",
                from_state="draft",
                to_state="draft",
                at=now(),
                data={"step": step},
            )
        record(kind=AuditKind.SIGN_IN, by=None, summary=f"sign-in {number}", data={"n": number})


def dsn(name: str) -> dict:
    database = settings.DATABASES["default"]
    return {
        "host": database["HOST"],
        "port": database["PORT"] or 5432,
        "user": database["USER"],
        "password": database["PASSWORD"] or None,
        "dbname": name,
    }


def command_env(name: str) -> dict:
    """The environment for PostgreSQL's tools and for manage.py against database `name`."""
    database = settings.DATABASES["default"]
    env = os.environ | {
        "PGHOST": database["HOST"],
        "PGPORT": str(database["PORT"] or 5432),
        "PGUSER": database["USER"],
        "DJANGO_SETTINGS_MODULE": "leo_access.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/{name}",
    }
    if database["PASSWORD"]:
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def run(*args, env):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def counts(cursor) -> dict:
    found = {}
    for table in COUNTED:
        cursor.execute(f"SELECT count(*) FROM {table}")
        found[table] = cursor.fetchone()[0]
    return found


def triggers(cursor) -> set:
    cursor.execute(
        "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relname = ANY(%s)",
        [list(LOG_TRIGGERS)],
    )
    return set(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_a_new_database_has_whole_chains_every_row_and_its_triggers(tmp_path):
    assert all(shutil.which(tool) for tool in ("pg_dump", "pg_restore")), TOOLS_MISSING
    seed()
    source = settings.DATABASES["default"]["NAME"]
    with connection.cursor() as cursor:
        expected_counts = counts(cursor)
        expected_triggers = triggers(cursor)
    assert expected_counts["applications_applicationevent"] >= 12
    assert expected_counts["leo_access_auditevent"] >= 3
    # The update-and-delete trigger of each log at least, enabled ("O").
    assert {(table, "O") for table in LOG_TRIGGERS} <= {(table, enabled) for table, _, enabled in expected_triggers}

    heads_file = tmp_path / "heads.json"
    out = StringIO()
    call_command("audit_chain_heads", stdout=out)
    heads_file.write_text(out.getvalue())
    heads = json.loads(out.getvalue())
    assert heads["leo_access_auditevent"]["id"] == AuditEvent.objects.order_by("-pk").first().pk

    dump = tmp_path / "leo.dump"
    dumped = run("pg_dump", "-Fc", "--no-owner", "-f", str(dump), source, env=command_env(source))
    assert dumped.returncode == 0, dumped.stderr

    restored = f"{source}_restored_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        loaded = run("pg_restore", "--no-owner", "--exit-on-error", "-d", restored, str(dump), env=command_env(source))
        assert loaded.returncode == 0, loaded.stderr

        checked = run(
            sys.executable,
            "manage.py",
            "verify_audit_chain",
            "--expect-heads",
            str(heads_file),
            env=command_env(restored),
        )
        assert checked.returncode == 0, checked.stderr
        events, entries = expected_counts["applications_applicationevent"], expected_counts["leo_access_auditevent"]
        assert f"OK: application event log (applications_applicationevent): {events} rows chained." in checked.stdout
        assert f"OK: audit event log (leo_access_auditevent): {entries} rows chained." in checked.stdout
        assert "the last rows recorded in" in checked.stdout

        with psycopg.connect(**dsn(restored)) as copy:
            with copy.cursor() as cursor:
                assert counts(cursor) == expected_counts
                assert triggers(cursor) == expected_triggers
                cursor.execute("SELECT title FROM applications_application ORDER BY title")
                assert [title for (title,) in cursor.fetchall()] == sorted(
                    Application.objects.values_list("title", flat=True)
                )
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                copy.execute("UPDATE leo_access_auditevent SET summary = 'forged'")
            copy.rollback()
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                copy.execute("DELETE FROM applications_applicationevent")
            copy.rollback()

            # Cut the audit log's last row, as only someone switching the triggers off could: the chain that is
            # left is whole, and only the recorded head shows the loss.
            copy.execute("SET session_replication_role = replica")
            copy.execute("DELETE FROM leo_access_auditevent WHERE id = %s", [heads["leo_access_auditevent"]["id"]])
            copy.commit()
        plain = run(sys.executable, "manage.py", "verify_audit_chain", env=command_env(restored))
        assert plain.returncode == 0, plain.stderr
        against_heads = run(
            sys.executable,
            "manage.py",
            "verify_audit_chain",
            "--expect-heads",
            str(heads_file),
            env=command_env(restored),
        )
        assert against_heads.returncode == 1
        assert (
            f"leo_access_auditevent: row id {heads['leo_access_auditevent']['id']}, its last row when the heads "
            "were recorded, is missing"
        ) in against_heads.stderr
    finally:
        with psycopg.connect(**dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


def test_a_heads_file_that_is_not_one_is_refused_clearly(tmp_path):
    wrong = tmp_path / "heads.json"
    wrong.write_text("[1, 2]")
    env = command_env(settings.DATABASES["default"]["NAME"])
    cases = ((wrong, "is not a file written by audit_chain_heads"), (tmp_path / "absent", "Cannot read"))
    for argument, message in cases:
        result = run(sys.executable, "manage.py", "verify_audit_chain", "--expect-heads", str(argument), env=env)
        assert result.returncode == 1
        assert message in result.stderr
        assert "Traceback" not in result.stderr
