from django.db import migrations, models
from django.db.models import F


def backfill_open_queries(apps, schema_editor):
    """Queries still with the applicant: the time the stage had held the application when it asked, as its clock
    stood then (since the application last entered the stage), so that answering resumes it rather than restarting
    it."""
    Query = apps.get_model("applications", "Query")
    ApplicationEvent = apps.get_model("applications", "ApplicationEvent")
    for query in Query.objects.filter(answered_at__isnull=True, time_at_stage__isnull=True).iterator():
        entered = (
            ApplicationEvent.objects.filter(
                application_id=query.application_id, to_state=query.stage, at__lte=query.raised_at
            )
            .exclude(from_state=F("to_state"))
            .order_by("-at", "-id")
            .values_list("at", flat=True)
            .first()
        )
        if entered is not None:
            Query.objects.filter(pk=query.pk).update(time_at_stage=query.raised_at - entered)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0009_queue_column_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="query",
            name="time_at_stage",
            field=models.DurationField(blank=True, null=True),
        ),
        migrations.RunPython(backfill_open_queries, migrations.RunPython.noop),
    ]
