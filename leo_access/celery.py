"""The Celery application. Configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery, signals

from . import logs, metrics  # noqa: F401 - request ids in task logs; counts and times every task run

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leo_access.settings.embedded")

app = Celery("leo_access")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.worker_process_init.connect
def _warm(**kwargs):
    """Each worker process loads what its tasks need (fonts, signing key, catalogue) before its first task."""
    from leo_access.warmup import WORKER, warm

    warm(WORKER)
