"""The event log and the audit log are hash chains: `verify_audit_chain` finds a row changed, removed or added
behind the append-only triggers' back, and concurrent writers still make one chain."""

import itertools
import os
import sqlite3
import subprocess
import sys
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.utils.timezone import now

from applications.models import ApplicationEvent
from leo_access.audit.models import AuditEvent, AuditKind
from leo_access.audit.services import record
from leo_access.hash_chain import chain_existing_rows, link_hash, verify
from tests.conftest import ROOT
from tests.factories import ApplicationFactory

TRIGGERS = {
    ApplicationEvent: "applications_event_no_update_or_delete",
    AuditEvent: "leo_access_audit_no_update_or_delete",
}


def add_event(application, kind="created", **fields):
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor_role="system",
        from_state="draft",
        to_state="draft",
        at=now(),
        **fields,
    )


def seed(model, count=4):
    if model is ApplicationEvent:
        application = ApplicationFactory()
        return [add_event(application, kind=f"kind_{i}", data={"n": i}) for i in range(count)]
    return [record(kind=AuditKind.SIGN_IN, by=None, summary=f"entry {i}") for i in range(count)]


def behind_the_triggers_back(sql, params=()):
    """Change a log as someone with the database's owner rights could: with its triggers switched off."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def verify_command() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_each_row_carries_the_hash_of_the_one_before():
    seed(ApplicationEvent, 3)
    seed(AuditEvent, 2)
    for model in (ApplicationEvent, AuditEvent):
        rows = list(model.objects.order_by("pk"))
        assert rows[0].previous_hash == ""
        for before, after in itertools.pairwise(rows):
            assert after.previous_hash == before.row_hash
        assert len({row.row_hash for row in rows}) == len(rows)
    output = verify_command()
    events, entries = ApplicationEvent.objects.count(), AuditEvent.objects.count()
    assert events >= 3
    assert entries >= 2
    assert f"OK: application event log (applications_applicationevent): {events} rows chained." in output
    assert f"OK: audit event log (leo_access_auditevent): {entries} rows chained." in output


@pytest.mark.django_db
@pytest.mark.parametrize("model", [ApplicationEvent, AuditEvent])
def test_a_row_changed_behind_the_trigger_is_named(model):
    rows = seed(model)
    table = model._meta.db_table
    column = "comment" if model is ApplicationEvent else "summary"
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        model.objects.filter(pk=rows[2].pk).update(**{column: "forged"})
    behind_the_triggers_back(f"UPDATE {table} SET {column} = 'forged' WHERE id = %s", [rows[2].pk])
    with pytest.raises(CommandError) as failure:
        verify_command()
    assert str(failure.value) == (
        f"BROKEN: {model._meta.verbose_name} log ({table}): row id {rows[2].pk}: its contents do not match its hash."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("model", [ApplicationEvent, AuditEvent])
def test_a_removed_row_breaks_the_link_of_the_next(model):
    rows = seed(model)
    behind_the_triggers_back(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [rows[1].pk])
    verdict = verify(model)
    assert not verdict.ok
    assert verdict.broken_at == rows[2].pk
    assert verdict.reason == "its previous_hash is not the hash of the row before it"


@pytest.mark.django_db
def test_a_row_rewritten_with_a_fresh_hash_still_breaks_the_chain_after_it():
    """A forger who recomputes the changed row's hash must recompute every later one too."""
    rows = seed(ApplicationEvent)
    target = rows[1]
    values = {name: getattr(target, ApplicationEvent._meta.get_field(name).attname) for name in target.chain_fields}
    values["comment"] = "forged"
    forged = link_hash(target.previous_hash, values)
    behind_the_triggers_back(
        "UPDATE applications_applicationevent SET comment = 'forged', row_hash = %s WHERE id = %s", [forged, target.pk]
    )
    assert verify(ApplicationEvent).broken_at == rows[2].pk


@pytest.mark.django_db
def test_values_are_hashed_as_the_database_gives_them_back():
    """An IPv6 address is normalised on the way in and jsonb gives 1e20 back as an integer: the chain holds."""
    AuditEvent.objects.create(
        at=now(),
        kind=AuditKind.SIGN_IN,
        summary="x",
        ip_address="2001:0db8:0000:0000:0000:0000:0000:0001",
        data={"big": 1e20, "half": 0.5, "text": "café", "nested": {"b": [1, 2.0], "a": None}},
    )
    assert verify(AuditEvent).ok


@pytest.mark.django_db
def test_bulk_inserts_continue_the_chain():
    application = ApplicationFactory()
    first = add_event(application)
    ApplicationEvent.objects.bulk_create(
        [
            ApplicationEvent(
                application=application,
                kind="bulk",
                actor_role="system",
                from_state="draft",
                to_state="draft",
                at=now(),
            )
            for _ in range(5)
        ]
    )
    add_event(application, kind="after")
    rows = list(ApplicationEvent.objects.order_by("pk"))
    assert rows[0] == first
    assert rows[1].previous_hash == first.row_hash
    verdict = verify(ApplicationEvent)
    assert verdict.ok
    assert verdict.rows == 7


@pytest.mark.django_db
def test_rows_logged_before_the_chain_existed_are_chained_by_the_migration():
    rows = seed(ApplicationEvent)
    behind_the_triggers_back("UPDATE applications_applicationevent SET previous_hash = '', row_hash = ''")
    assert not verify(ApplicationEvent).ok
    with connection.schema_editor(atomic=False) as editor:
        chain_existing_rows(editor, ApplicationEvent, ApplicationEvent.chain_fields, TRIGGERS[ApplicationEvent])
    assert verify(ApplicationEvent).ok
    assert ApplicationEvent.objects.get(pk=rows[-1].pk).row_hash == rows[-1].row_hash
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE applications_applicationevent SET comment = 'x'")  # the trigger is on again


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_chain():
    """A second writer waits for the first's transaction to end, then links to its row; without the lock both
    would link to the same predecessor."""
    application = ApplicationFactory()
    add_event(application)
    first_inserted = threading.Event()
    errors = []

    def first_writer():
        try:
            with transaction.atomic():
                add_event(application, kind="first")
                first_inserted.set()
                with connection.cursor() as cursor:
                    for _ in range(600):
                        cursor.execute(
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                        )
                        if cursor.fetchone()[0]:
                            break
                        threading.Event().wait(0.05)
                    else:
                        errors.append("the second writer never waited for the lock")
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            first_inserted.set()
            connections.close_all()

    def second_writer():
        try:
            first_inserted.wait(30)
            add_event(application, kind="second")
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first_writer), threading.Thread(target=second_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    kinds = list(ApplicationEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["created", "first", "second"]
    assert verify(ApplicationEvent).ok


RECORD_THREE = """
import django
django.setup()
from leo_access.audit.models import AuditKind
from leo_access.audit.services import record
for i in range(3):
    record(kind=AuditKind.SIGN_IN, by=None, summary=f"entry {i}", data={"i": i})
"""


def test_on_sqlite_the_chain_is_kept_and_checked_too(tmp_path):
    """The embedded default (`make run`): SQLite, one writer at a time, no advisory lock."""
    path = tmp_path / "db.sqlite3"
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "leo_access.settings.embedded", "DATABASE_URL": f"sqlite:///{path}"}

    def run(*args):
        return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    assert run(sys.executable, "manage.py", "migrate", "--no-input", "-v", "0").returncode == 0
    assert run(sys.executable, "-c", RECORD_THREE).returncode == 0
    checked = run(sys.executable, "manage.py", "verify_audit_chain")
    assert checked.returncode == 0, checked.stderr
    assert "OK: audit event log (leo_access_auditevent): 3 rows chained." in checked.stdout

    db = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE leo_access_auditevent SET summary = 'forged'")
        db.rollback()
        second = db.execute("SELECT id FROM leo_access_auditevent ORDER BY id LIMIT 1 OFFSET 1").fetchone()[0]
        db.execute("DROP TRIGGER leo_access_auditevent_no_update")
        db.execute("UPDATE leo_access_auditevent SET summary = 'forged' WHERE id = ?", [second])
        db.commit()
    finally:
        db.close()
    broken = run(sys.executable, "manage.py", "verify_audit_chain")
    assert broken.returncode == 1
    assert f"audit event log (leo_access_auditevent): row id {second}: its contents do not match its hash" in (
        broken.stderr
    )
