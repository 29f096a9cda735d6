"""Each audit entry carries the hash of the one before it; the entries already logged are chained in id order.

On SQLite adding the columns rebuilds the table, which drops its triggers: chaining the rows puts them back."""

from django.db import migrations, models

from leo_access.hash_chain import chain_existing_rows

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


def forwards(apps, schema_editor):
    chain_existing_rows(
        schema_editor, apps.get_model("leo_access", "AuditEvent"), FIELDS, "leo_access_audit_no_update_or_delete"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("leo_access", "0004_audit_log_refuses_truncate"),
    ]

    operations = [
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
