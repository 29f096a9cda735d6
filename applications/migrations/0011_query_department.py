from django.db import migrations, models

# The role a department's reviewer is logged as asking in (leo_access.roles), and the department it reviews for.
REVIEWER_DEPARTMENTS = {"dfe_reviewer": "dfe", "hmrc_reviewer": "hmrc", "dwp_reviewer": "dwp"}


def backfill_departments(apps, schema_editor):
    """Queries raised at department review name the department that asked, as their logged role says."""
    Query = apps.get_model("applications", "Query")
    for role, department in REVIEWER_DEPARTMENTS.items():
        Query.objects.filter(stage="department_review", raised_by_role=role).update(department=department)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_query_time_at_stage"),
    ]

    operations = [
        migrations.AddField(
            model_name="query",
            name="department",
            field=models.CharField(
                blank=True, choices=[("dfe", "DfE"), ("hmrc", "HMRC"), ("dwp", "DWP")], max_length=10
            ),
        ),
        migrations.RunPython(backfill_departments, migrations.RunPython.noop),
    ]
