"""Structured logs: JSON lines carrying the request id, in the request and in the tasks it queues."""

import io
import json
import logging
import time

import pytest
import structlog
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished
from django.http import HttpResponse
from django.test import RequestFactory

from leo_access.celery import app as celery_app
from leo_access.logs import REQUEST_ID_HEADER, RequestIdMiddleware, logging_config
from leo_access.tasks import ping
from tests.conftest import worker_log

task_log = logging.getLogger("tests.logs")


@celery_app.task(name="tests.logs.log_a_line")
def log_a_line(text):
    task_log.warning("a task says %s", text)


@pytest.fixture(autouse=True)
def _no_request_id_left_behind():
    """The tests that call the middleware directly have no WSGI server to finish the response."""
    yield
    structlog.contextvars.clear_contextvars()


@pytest.fixture
def json_lines():
    """What the production formatter writes, read back one JSON object a line."""
    config = logging_config("json", "INFO")["formatters"]["structured"]
    factory = config.pop("()")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(factory(**config))
    root = logging.getLogger()
    root.addHandler(handler)
    requests_logger = logging.getLogger("leo_access.requests")
    level = requests_logger.level
    requests_logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    requests_logger.setLevel(level)


def test_an_unknown_log_format_is_refused_at_start_with_the_variable_named():
    with pytest.raises(ImproperlyConfigured, match="Set LOG_FORMAT to one of json, console, not 'xml'"):
        logging_config("xml", "INFO")


@pytest.mark.django_db
def test_a_request_logs_a_json_line_with_the_proxys_request_id(client, json_lines):
    response = client.get("/livez", HTTP_X_REQUEST_ID="proxy-id-0001")
    assert response[REQUEST_ID_HEADER] == "proxy-id-0001"
    [line] = [line for line in json_lines() if line["logger"] == "leo_access.requests"]
    assert line["request_id"] == "proxy-id-0001"
    assert line["event"] == "request"
    assert (line["method"], line["path"], line["view"], line["status"]) == ("GET", "/livez", "livez", 200)
    assert line["duration_ms"] >= 0
    assert line["level"] == "info"
    assert "timestamp" in line


@pytest.mark.django_db
@pytest.mark.parametrize("given", [None, "", "short", 'forged"}\n{"level":"x', "x" * 200])
def test_a_missing_or_implausible_request_id_is_replaced(client, json_lines, given):
    extra = {"HTTP_X_REQUEST_ID": given} if given is not None else {}
    response = client.get("/livez", **extra)
    request_id = response[REQUEST_ID_HEADER]
    assert request_id != given
    assert len(request_id) == 32
    assert int(request_id, 16) >= 0
    [line] = [line for line in json_lines() if line["logger"] == "leo_access.requests"]
    assert line["request_id"] == request_id


@pytest.mark.django_db
def test_every_line_of_a_request_carries_its_id_and_the_next_request_does_not(client, json_lines):
    client.get("/no-such-page", HTTP_X_REQUEST_ID="first-request-1")
    client.get("/livez", HTTP_X_REQUEST_ID="second-request-2")
    lines = json_lines()
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found
    assert not_found[0]["event"] == "Not Found: /no-such-page"
    assert {line["request_id"] for line in not_found} == {"first-request-1"}
    assert [line["request_id"] for line in lines if line["logger"] == "leo_access.requests"] == [
        "first-request-1",
        "second-request-2",
    ]
    task_log.warning("outside any request")
    assert "request_id" not in json_lines()[-1]


@pytest.mark.django_db
def test_a_task_run_in_process_logs_the_request_id(json_lines):
    celery_app.conf.task_always_eager = True
    try:

        def view(request):
            log_a_line.delay("hello")
            return HttpResponse("queued")

        response = RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="eager-request-1"))
    finally:
        celery_app.conf.task_always_eager = False
    assert response[REQUEST_ID_HEADER] == "eager-request-1"
    [line] = [line for line in json_lines() if line["logger"] == "tests.logs"]
    assert line["event"] == "a task says hello"
    assert line["request_id"] == "eager-request-1"
    assert line["task"] == "tests.logs.log_a_line"


def test_a_task_queued_in_a_request_carries_the_id_in_its_headers():
    published = []

    def capture(headers=None, **kwargs):
        published.append(dict(headers))

    from celery import signals

    signals.before_task_publish.connect(capture, weak=False)
    try:

        def view(request):
            ping.apply_async(("x",), retry=False)
            return HttpResponse("queued")

        RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="queued-request-1"))
        request_finished.send(sender=None)  # as the WSGI server does when the response is sent
        ping.apply_async(("outside",), retry=False)
    finally:
        signals.before_task_publish.disconnect(capture)
    assert published[0]["request_id"] == "queued-request-1"
    assert "request_id" not in published[1]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_logs_a_queued_tasks_lines_with_the_request_id(celery_worker):
    """A task that fails in the worker: its error line carries the id of the request that queued it."""
    queued = {}

    def view(request):
        # Without its argument (send_task does not check them) the task fails in the worker.
        queued["task"] = celery_app.send_task("leo_access.tasks.ping", args=[], retry=False)
        return HttpResponse("queued")

    RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="worker-request-1"))
    task_id = queued["task"].id
    log = worker_log(celery_worker)
    deadline = time.monotonic() + 60
    found = []
    while time.monotonic() < deadline and not found:
        for text in log.read_text().splitlines():
            if task_id in text and text.startswith("{"):
                line = json.loads(text)
                if line.get("task_id") == task_id and line["level"] == "error":
                    found.append(line)
        time.sleep(0.2)
    assert found, f"no error line for task {task_id} in {log}"
    assert found[0]["request_id"] == "worker-request-1"
    assert found[0]["task"] == "leo_access.tasks.ping"
