"""Records that are written once and never changed or removed (event and audit logs).

The ORM refuses here, and the database refuses too, for any client: on PostgreSQL row triggers refuse UPDATE
and DELETE and a statement trigger refuses TRUNCATE; on SQLite triggers refuse UPDATE and DELETE.
"""

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(f"{self.model.append_only_name} is append-only.")

    def delete(self):
        raise PermissionError(f"{self.model.append_only_name} is append-only.")


class AppendOnlyModel(models.Model):
    append_only_name = "This log"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{self.append_only_name} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self.append_only_name} is append-only.")


# What the database itself refuses, written out by the migrations that protect each log (kept here so both
# logs get the same protection; changing it changes nothing already migrated, so add a migration instead).
def truncate_trigger(table: str) -> str:
    return f"{table}_no_truncate"


def postgresql_truncate_sql(table: str, function: str) -> tuple[str, str]:
    """A statement trigger refusing TRUNCATE (row triggers do not fire on it), using the log's existing
    refusing function; and the SQL that drops it."""
    trigger = truncate_trigger(table)
    create = f"CREATE TRIGGER {trigger} BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
    return create, f"DROP TRIGGER IF EXISTS {trigger} ON {table};"


def sqlite_sql(table: str) -> tuple[list[str], list[str]]:
    """SQLite has no TRUNCATE (Django's flush deletes): triggers refusing UPDATE and DELETE; and their drops."""
    create, drop = [], []
    for operation in ("UPDATE", "DELETE"):
        trigger = f"{table}_no_{operation.lower()}"
        create.append(
            f"CREATE TRIGGER IF NOT EXISTS {trigger} BEFORE {operation} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END;"
        )
        drop.append(f"DROP TRIGGER IF EXISTS {trigger};")
    return create, drop


def protect(schema_editor, table: str, postgresql_function: str) -> None:
    """Make the database refuse to change, remove or empty `table`, whichever database it is."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql_truncate_sql(table, postgresql_function)[0], params=None)
    elif vendor == "sqlite":
        for statement in sqlite_sql(table)[0]:
            schema_editor.execute(statement, params=None)


def unprotect(schema_editor, table: str, postgresql_function: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql_truncate_sql(table, postgresql_function)[1], params=None)
    elif vendor == "sqlite":
        for statement in sqlite_sql(table)[1]:
            schema_editor.execute(statement, params=None)
