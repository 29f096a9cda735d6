"""A trigram index on application titles for the queue search (PostgreSQL only).

A search first asks which applications match, up to a bound (`reviews.selectors._search`): by title, by a team
member's e-mail or by their name. For the titles, as for the people (`0003_queue_search_indexes`), that is a
lookup of the trigrams of `UPPER(title)`, so a word matching few applications never reads every title.
SQLite, the embedded default, has no pg_trgm and keeps scanning, which is fine at its size.
"""

from django.db import migrations

NAME, TABLE, COLUMN = "queue_search_application_title", "applications_application", "title"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "{TABLE}" USING gin ((UPPER("{COLUMN}"::text)) gin_trgm_ops)'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_dashboard_snapshot"),
        ("applications", "0007_queue_stage_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
