"""Tamper-evident logs: each row of a chained log carries the hash of the row before it.

A row's `row_hash` is SHA-256 of its predecessor's hash followed by the SHA-256 of a canonical serialisation of
the row's `chain_fields` (both as hex); its `previous_hash` is the predecessor's `row_hash` (empty for the first
row). Rows are chained
in id order, one chain per log. Changing, removing or reordering a row behind the database's back (the tables are
append-only, so only someone who can disable triggers can) breaks the chain at that row, and
`manage.py verify_audit_chain` names it.

New rows are linked on insert under a lock, so that concurrent inserts still form one chain: on PostgreSQL a
transaction-level advisory lock per log, held until the inserting transaction ends (the next writer then reads
the committed last hash); SQLite has one writer at a time. On PostgreSQL one row is linked by the INSERT itself:
`hash_chain_previous()` (a function the migration creates) takes the lock and reads the last hash, a fresh read
because the function is volatile, and the database combines it with the content hash computed here, so logging
costs no extra round trip. A bulk insert takes the lock and reads the last hash once, then links the batch here.
"""

import functools
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import connections, models, router, transaction
from django.db.models.expressions import RawSQL

from .append_only import AppendOnlyModel, AppendOnlyQuerySet

GENESIS = ""
VERIFY_CHUNK = 5000
# Values JSON writes as they are (most of a row): checked first, as hashing is paid on every insert.
_AS_IS = frozenset({str, int, bool, type(None)})


def _plain(value):
    """The value as canonical JSON holds it: what the database gives back, whatever Python object was saved."""
    if type(value) in _AS_IS:
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        # PostgreSQL's jsonb gives 1e20 back as an integer.
        return int(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def canonical(values: dict) -> bytes:
    """One row's fields as bytes that do not depend on key order, the database or the Python types used."""
    return json.dumps(
        {name: _plain(value) for name, value in values.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def content_hash(values: dict) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()


def link_hash(previous: str, values: dict) -> str:
    """What `row_hash` must be for a row with these values after `previous`."""
    return hashlib.sha256((previous + content_hash(values)).encode()).hexdigest()


# The same link made by PostgreSQL inside the INSERT (see the migration creating `hash_chain_previous`).
PREVIOUS_SQL = "hash_chain_previous(%s::regclass, %s)"
LINK_SQL = f"encode(sha256(convert_to({PREVIOUS_SQL} || %s, 'UTF8')), 'hex')"
CREATE_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION hash_chain_previous(log regclass, lock_key bigint) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    previous text;
BEGIN
    -- Held until the inserting transaction ends; the read below then sees every row committed before.
    PERFORM pg_advisory_xact_lock(lock_key);
    EXECUTE format('SELECT row_hash FROM %s ORDER BY id DESC LIMIT 1', log) INTO previous;
    RETURN coalesce(previous, '');
END;
$$;
"""
DROP_FUNCTION_SQL = "DROP FUNCTION IF EXISTS hash_chain_previous(regclass, bigint);"


def _lock_key(table: str) -> int:
    """A fixed 63-bit advisory lock key for one log."""
    return int.from_bytes(hashlib.sha256(f"hash-chain:{table}".encode()).digest()[:8], "big") >> 1


@functools.cache
def _chained_fields(model: type[models.Model]) -> tuple[tuple[str, str, object], ...]:
    """(name, attribute, how the field prepares a value for the database) for each hashed field."""
    fields = (model._meta.get_field(name) for name in model.chain_fields)
    return tuple((field.name, field.attname, field.get_prep_value) for field in fields)


def _values(row: models.Model) -> dict:
    """The row's chained fields as they will be stored (so a hash computed before the insert matches the row
    read back: an IPv6 address, for example, is normalised on the way in)."""
    return {name: prepare(getattr(row, attname)) for name, attname, prepare in _chained_fields(type(row))}


def link(model: type[models.Model], rows: list[models.Model], using: str) -> None:
    """Give `rows` (about to be inserted, in this order) their place in the chain. Call inside the inserting
    transaction; on PostgreSQL this takes the log's lock until that transaction ends."""
    connection = connections[using]
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(table)])
    previous = model._base_manager.using(using).order_by("-pk").values_list("row_hash", flat=True).first() or GENESIS
    for row in rows:
        row.previous_hash = previous
        row.row_hash = previous = link_hash(previous, _values(row))


def link_in_insert(row: models.Model) -> None:
    """PostgreSQL: the row's INSERT takes the lock and links it (no extra query). Its two hash fields are left
    unloaded on the instance: read, they are fetched from the row as stored."""
    table = row._meta.db_table
    key = _lock_key(table)
    # Constant SQL; the table, key and content hash go as parameters.
    row.previous_hash = RawSQL(PREVIOUS_SQL, [table, key], output_field=models.CharField())  # noqa: S611
    row.row_hash = RawSQL(LINK_SQL, [table, key, content_hash(_values(row))], output_field=models.CharField())  # noqa: S611


class ChainedQuerySet(AppendOnlyQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if not objs:
            return objs
        with transaction.atomic(using=self.db, savepoint=False):
            link(self.model, objs, self.db)
            return super().bulk_create(objs, *args, **kwargs)


class ChainedLog(AppendOnlyModel):
    """An append-only log whose rows are chained by hash. Subclasses name the fields the hash covers."""

    chain_fields: tuple[str, ...] = ()

    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = ChainedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        if connections[using].vendor == "postgresql":
            link_in_insert(self)
            try:
                return super().save(*args, **kwargs)
            finally:
                for name in ("previous_hash", "row_hash"):
                    self.__dict__.pop(name, None)
        with transaction.atomic(using=using, savepoint=False):
            link(type(self), [self], using)
            return super().save(*args, **kwargs)


def chained_logs() -> list[type[ChainedLog]]:
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, ChainedLog)]


@dataclass(frozen=True)
class Verdict:
    log: str
    rows: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _rows(model, fields: tuple[str, ...]) -> Iterator[tuple]:
    """Every row in id order, read in pages by id so a long log never sits in memory at once."""
    columns = ["pk", "previous_hash", "row_hash", *(model._meta.get_field(name).attname for name in fields)]
    after = None
    while True:
        page = model._base_manager.order_by("pk")
        if after is not None:
            page = page.filter(pk__gt=after)
        chunk = list(page.values_list(*columns)[:VERIFY_CHUNK])
        if not chunk:
            return
        yield from chunk
        after = chunk[-1][0]


def verify_rows(log: str, fields: tuple[str, ...], rows: Iterable[tuple]) -> Verdict:
    """Check (pk, previous_hash, row_hash, *fields) rows in id order; the first broken link wins."""
    previous = GENESIS
    count = 0
    for pk, stored_previous, stored_hash, *values in rows:
        count += 1
        if stored_previous != previous:
            return Verdict(log, count, pk, "its previous_hash is not the hash of the row before it")
        if link_hash(previous, dict(zip(fields, values, strict=True))) != stored_hash:
            return Verdict(log, count, pk, "its contents do not match its hash")
        previous = stored_hash
    return Verdict(log, count)


def verify(model: type[ChainedLog]) -> Verdict:
    return verify_rows(model._meta.db_table, model.chain_fields, _rows(model, model.chain_fields))


def chain_existing_rows(schema_editor, model, fields: tuple[str, ...], postgresql_trigger: str) -> None:
    """Give the rows already in a log their hashes (a data migration; `model` is the migration's historical
    model). The log refuses UPDATE, so its trigger is switched off for this transaction only: on PostgreSQL
    ALTER TABLE also locks the table until the migration commits, so nothing is inserted meanwhile."""
    from .append_only import sqlite_sql

    connection = schema_editor.connection
    table = model._meta.db_table
    quoted = connection.ops.quote_name(table)
    update = f"UPDATE {quoted} SET previous_hash = %s, row_hash = %s WHERE id = %s"  # noqa: S608 - a model's table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # No foreign key checks may be left pending when the table is altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {quoted} DISABLE TRIGGER {postgresql_trigger}")
        elif connection.vendor == "sqlite":
            for statement in sqlite_sql(table)[1]:
                cursor.execute(statement)
        previous = GENESIS
        pending = []
        for pk, _, _, *values in _rows(model, fields):
            digest = link_hash(previous, dict(zip(fields, values, strict=True)))
            pending.append((previous, digest, pk))
            previous = digest
            if len(pending) >= VERIFY_CHUNK:
                cursor.executemany(update, pending)
                pending = []
        if pending:
            cursor.executemany(update, pending)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {quoted} ENABLE TRIGGER {postgresql_trigger}")
        elif connection.vendor == "sqlite":
            for statement in sqlite_sql(table)[0]:
                cursor.execute(statement)
