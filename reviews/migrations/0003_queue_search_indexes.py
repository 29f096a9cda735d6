"""Trigram indexes for the queue search's people (PostgreSQL only).

The search matches part of a team member's e-mail address or a researcher's name, case-insensitively:
Django writes that as `UPPER(column::text) LIKE UPPER('%term%')`, which a B-tree cannot serve. A GIN
index of the trigrams of the same expression can, so a search no longer reads every team member and
every user. (Titles need none: the queue indexes hold them, so a queue's titles are searched in its
index.) SQLite, the embedded default, has no pg_trgm and keeps scanning, which is fine at its size.
"""

from django.db import migrations

INDEXES = [
    ("queue_search_member_email", "applications_teammember", "email"),
    ("queue_search_user_name", "leo_access_user", "full_name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_tracking_export"),
        ("applications", "0007_queue_stage_indexes"),
        ("leo_access", "0002_researcherprofile"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
