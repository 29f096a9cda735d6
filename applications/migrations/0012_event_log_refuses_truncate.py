"""The database refuses to empty the event log (TRUNCATE, on PostgreSQL) and, on SQLite, to change or remove
events at all."""

from django.db import migrations

from leo_access.append_only import protect, unprotect

TABLE = "applications_applicationevent"
FUNCTION = "applications_event_append_only"  # created by 0002_event_log_append_only


def forwards(apps, schema_editor):
    protect(schema_editor, TABLE, FUNCTION)


def backwards(apps, schema_editor):
    unprotect(schema_editor, TABLE, FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("applications", "0011_query_department")]

    operations = [migrations.RunPython(forwards, backwards)]
