"""The database refuses to empty the audit log (TRUNCATE, on PostgreSQL) and, on SQLite, to change or remove
audit events at all."""

from django.db import migrations

from leo_access.append_only import protect, unprotect

TABLE = "leo_access_auditevent"
FUNCTION = "leo_access_audit_append_only"  # created by 0003_audit_log


def forwards(apps, schema_editor):
    protect(schema_editor, TABLE, FUNCTION)


def backwards(apps, schema_editor):
    unprotect(schema_editor, TABLE, FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("leo_access", "0003_audit_log")]

    operations = [migrations.RunPython(forwards, backwards)]
