"""On PostgreSQL, the database itself refuses to change or remove events."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION applications_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'applications_applicationevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER applications_event_no_update_or_delete
    BEFORE UPDATE OR DELETE ON applications_applicationevent
    FOR EACH ROW EXECUTE FUNCTION applications_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS applications_event_no_update_or_delete ON applications_applicationevent;
DROP FUNCTION IF EXISTS applications_event_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
