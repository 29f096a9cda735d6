"""Figures read from the database each time `/metrics` is scraped, each one indexed query.

Work piling up shows here before anyone complains: messages waiting in the outbox (and how long the oldest has
waited), Variable Request Forms waiting to be checked, and applications overdue at each stage (by the one
definition of overdue, `applications/service_levels.py`).
"""

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from applications import service_levels
from applications.models import Application, VariableRequestForm
from notifications.models import Message

WAITING_FORMS = (VariableRequestForm.Validation.PENDING, VariableRequestForm.Validation.RUNNING)


class DatabaseCollector:
    """A prometheus-client collector; `collect` runs its queries when the page is read."""

    def collect(self):
        now = timezone.now()
        yield from self._outbox(now)
        yield self._forms()
        yield self._overdue(now)

    def _outbox(self, now):
        pending = Message.objects.filter(state=Message.State.PENDING).aggregate(
            count=Count("pk"), oldest=Min("created_at")
        )
        yield GaugeMetricFamily(
            "leo_outbox_pending_messages", "Messages recorded but not yet handed to the mail server.", pending["count"]
        )
        age = (now - pending["oldest"]).total_seconds() if pending["oldest"] else 0
        yield GaugeMetricFamily(
            "leo_outbox_oldest_pending_age_seconds",
            "How long the oldest message waiting in the outbox has waited (0 when none waits).",
            max(age, 0),
        )

    def _forms(self):
        family = GaugeMetricFamily(
            "leo_forms_waiting_to_be_checked",
            "Variable Request Forms uploaded and not yet checked, by status (pending: queued; running: being checked).",
            labels=["status"],
        )
        counts = dict(
            VariableRequestForm.objects.filter(validation_status__in=WAITING_FORMS)
            .values_list("validation_status")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for status in WAITING_FORMS:
            family.add_metric([status.value], counts.get(status, 0))
        return family

    def _overdue(self, now):
        family = GaugeMetricFamily(
            "leo_applications_overdue",
            "Applications longer at their stage than its service level, by stage.",
            labels=["stage"],
        )
        counts = dict(
            Application.objects.filter(service_levels.overdue_q(now))
            .values_list("state")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for stage in service_levels.limits():
            family.add_metric([stage], counts.get(stage, 0))
        return family


def database_metrics() -> bytes:
    registry = CollectorRegistry()
    registry.register(DatabaseCollector())
    return generate_latest(registry)
