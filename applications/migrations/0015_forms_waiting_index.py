"""An index of the forms waiting to be checked, which the metrics page counts at every scrape."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0014_event_log_hash_chain"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="variablerequestform",
            index=models.Index(
                condition=models.Q(("validation_status__in", ["pending", "running"])),
                fields=["validation_status"],
                name="forms_waiting",
            ),
        ),
    ]
