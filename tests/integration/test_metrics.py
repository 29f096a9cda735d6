"""`/metrics`: Prometheus text for a scraper with the bearer token; requests, tasks and database backlogs."""

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from applications.models import Application, VariableRequestForm
from applications.states import State
from leo_access.tasks import ping
from notifications.models import Message
from tests.factories import ApplicationFactory, add_form

pytestmark = pytest.mark.django_db

TOKEN = "scraper-token-0123456789"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(name, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_without_the_setting_there_is_no_metrics_page(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404


@pytest.mark.usefixtures("metrics_on")
@pytest.mark.parametrize(
    ("header", "status"),
    [
        (None, 401),
        ("Basic c2NyYXBlcjp4", 401),
        ("Bearer ", 401),
        ("Bearer wrong-token", 403),
        (f"Bearer {TOKEN}x", 403),
    ],
)
def test_the_bearer_token_is_required(client, header, status):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == status
    assert b"leo_http_requests_total" not in response.content
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.usefixtures("metrics_on")
def test_the_token_gets_prometheus_text(client):
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE_LATEST
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    names = {family.name for family in text_string_to_metric_families(response.content.decode())}
    assert {
        "leo_http_requests",
        "leo_http_request_duration_seconds",
        "leo_outbox_pending_messages",
        "leo_outbox_oldest_pending_age_seconds",
        "leo_forms_waiting_to_be_checked",
        "leo_applications_overdue",
    } <= names


@pytest.mark.usefixtures("metrics_on")
def test_a_request_counts_against_its_view_method_and_status_class(client):
    before = value("leo_http_requests_total", view="livez", method="GET", status="2xx")
    timed = value("leo_http_request_duration_seconds_count", view="livez", method="GET")
    missing = value("leo_http_requests_total", view="unmatched", method="GET", status="4xx")
    refused = value("leo_http_requests_total", view="livez", method="POST", status="4xx")
    client.get("/livez")
    client.get("/livez")
    client.get("/no-such-page")
    client.post("/livez")
    assert value("leo_http_requests_total", view="livez", method="GET", status="2xx") == before + 2
    assert value("leo_http_request_duration_seconds_count", view="livez", method="GET") == timed + 2
    assert value("leo_http_requests_total", view="unmatched", method="GET", status="4xx") == missing + 1
    assert value("leo_http_requests_total", view="livez", method="POST", status="4xx") == refused + 1
    scraped = scrape(client)
    assert scraped[("leo_http_requests_total", (("method", "GET"), ("status", "2xx"), ("view", "livez")))] == before + 2


@pytest.mark.usefixtures("metrics_on")
def test_a_task_counts_against_its_name_and_outcome(client):
    name = "leo_access.tasks.ping"
    before = value("leo_celery_tasks_total", task=name, outcome="success")
    timed = value("leo_celery_task_duration_seconds_count", task=name, outcome="success")
    failed = value("leo_celery_tasks_total", task=name, outcome="failure")
    assert ping.apply(args=["metrics"]).get() == "pong: metrics"
    ping.apply(args=[], throw=False)  # a missing argument: the task fails
    assert value("leo_celery_tasks_total", task=name, outcome="success") == before + 1
    assert value("leo_celery_task_duration_seconds_count", task=name, outcome="success") == timed + 1
    assert value("leo_celery_tasks_total", task=name, outcome="failure") == failed + 1
    scraped = scrape(client)
    assert scraped[("leo_celery_tasks_total", (("outcome", "success"), ("task", name)))] == before + 1


def message(key, state, age: timedelta):
    row = Message.objects.create(
        key=key, recipient="someone@example.org", template="t", subject="s", url="/", state=state
    )
    Message.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)


def at_stage(state, days):
    application = ApplicationFactory()
    Application.objects.filter(pk=application.pk).update(
        state=state, stage_entered_at=timezone.now() - timedelta(days=days)
    )


@pytest.mark.usefixtures("metrics_on")
def test_the_gauges_count_the_rows_in_the_database(client, settings):
    settings.STAGE_SLA_DAYS = {"ras_check": 10, "department_review": 20, "panel_review": 20, "accredited": 15}
    empty = scrape(client)
    assert empty[("leo_outbox_pending_messages", ())] == 0
    assert empty[("leo_outbox_oldest_pending_age_seconds", ())] == 0

    message("a", Message.State.PENDING, timedelta(hours=2))
    message("b", Message.State.PENDING, timedelta(minutes=5))
    message("c", Message.State.SENT, timedelta(days=3))
    message("d", Message.State.FAILED, timedelta(days=4))
    for status in ["pending", "pending", "running", "passed", "failed"]:
        add_form(ApplicationFactory(form=False), status=status)
    at_stage(State.RAS_CHECK, 11)  # overdue
    at_stage(State.RAS_CHECK, 9)  # not yet
    at_stage(State.DEPARTMENT_REVIEW, 21)
    at_stage(State.DEPARTMENT_REVIEW, 22)
    at_stage(State.QUERIED, 90)  # waiting on the applicant: never overdue

    scraped = scrape(client)
    assert scraped[("leo_outbox_pending_messages", ())] == 2
    assert 2 * 3600 <= scraped[("leo_outbox_oldest_pending_age_seconds", ())] < 2 * 3600 + 60
    waiting = VariableRequestForm.objects.filter(validation_status__in=["pending", "running"]).count()
    assert waiting == 3
    assert scraped[("leo_forms_waiting_to_be_checked", (("status", "pending"),))] == 2
    assert scraped[("leo_forms_waiting_to_be_checked", (("status", "running"),))] == 1
    assert scraped[("leo_applications_overdue", (("stage", "ras_check"),))] == 1
    assert scraped[("leo_applications_overdue", (("stage", "department_review"),))] == 2
    assert scraped[("leo_applications_overdue", (("stage", "panel_review"),))] == 0
    assert scraped[("leo_applications_overdue", (("stage", "accredited"),))] == 0


COUNT_A_REQUEST = """
import django
django.setup()
from django.test import Client
assert Client().get("/livez").status_code == 200
"""


def test_in_multiprocess_mode_metrics_add_up_every_process(tmp_path):
    """prometheus-client chooses its mode at import, so each process here is a fresh Python, as gunicorn's are."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "leo_access.settings.test"}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", COUNT_A_REQUEST], cwd=ROOT, env=env, check=True, timeout=120)
    assert len(list(tmp_path.glob("*.db"))) >= 2  # one file per process
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from leo_access.metrics import process_metrics; "
            "import sys; sys.stdout.write(process_metrics().decode())",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(read.stdout)
        for sample in family.samples
    }
    assert samples[("leo_http_requests_total", (("method", "GET"), ("status", "2xx"), ("view", "livez")))] == 2
