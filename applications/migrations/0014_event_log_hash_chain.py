"""Each event carries the hash of the one before it; the events already logged are chained in id order.

On SQLite adding the columns rebuilds the table, which drops its triggers: chaining the rows puts them back."""

from django.db import migrations, models

from leo_access.hash_chain import chain_existing_rows

# The fields the hash covers when this migration was written (ApplicationEvent.chain_fields).
FIELDS = ("application", "kind", "actor", "actor_role", "from_state", "to_state", "at", "comment", "data")


def forwards(apps, schema_editor):
    chain_existing_rows(
        schema_editor,
        apps.get_model("applications", "ApplicationEvent"),
        FIELDS,
        "applications_event_no_update_or_delete",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0013_catalogue_whole_official_form"),
        # Creates hash_chain_previous(), with which each new event is linked on PostgreSQL.
        ("leo_access", "0008_audit_log_hash_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationevent",
            name="previous_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="applicationevent",
            name="row_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
