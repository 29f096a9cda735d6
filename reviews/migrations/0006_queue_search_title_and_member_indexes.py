"""A trigram index on application titles, and the team members by application with their e-mails, for the
queue search (PostgreSQL only).

A search first asks which applications match, up to a bound (`reviews.queue_search.search`): by title, by a team
member's e-mail or by their name. For the titles, as for the people (`0003_queue_search_indexes`), that is a
lookup of the trigrams of `UPPER(title)`, so a word matching few applications never reads every title.
A common term instead walks the queue and looks up each entry's members: by application, with the e-mail and
the user in the index, so that look-up reads no table. SQLite, the embedded default, has no pg_trgm and keeps
scanning, which is fine at its size.
"""

from django.db import migrations

NAME, TABLE, COLUMN = "queue_search_application_title", "applications_application", "title"
MEMBERS = "queue_search_member_by_application"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "{TABLE}" USING gin ((UPPER("{COLUMN}"::text)) gin_trgm_ops)'
    )
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{MEMBERS}" ON "applications_teammember" ("application_id") INCLUDE ("email", "user_id")'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in (NAME, MEMBERS):
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_dashboard_snapshot"),
        ("applications", "0007_queue_stage_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
