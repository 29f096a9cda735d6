"""Each audit entry carries the hash of the one before it; the entries already logged are chained in id order.

On PostgreSQL it also creates `hash_chain_previous()`, which links each row in its own INSERT (both logs use it).
On SQLite adding the columns rebuilds the table, which drops its triggers: chaining the rows puts them back."""

from django.db import migrations, models

from leo_access.hash_chain import CREATE_FUNCTION_SQL, DROP_FUNCTION_SQL, chain_existing_rows

# The fields the hash covers when this migration was written (AuditEvent.chain_fields).
FIELDS = (
    "at",
    "kind",
    "actor",
    "actor_email",
    "application_id",
    "application_reference",
    "summary",
    "ip_address",
    "data",
)


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_FUNCTION_SQL, params=None)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FUNCTION_SQL, params=None)


def forwards(apps, schema_editor):
    chain_existing_rows(
        schema_editor, apps.get_model("leo_access", "AuditEvent"), FIELDS, "leo_access_audit_no_update_or_delete"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("leo_access", "0007_audit_kinds"),
    ]

    operations = [
        migrations.RunPython(create_function, drop_function),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="row_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
