"""Prometheus metrics kept by each web and worker process: requests per view, and Celery tasks by outcome.

The series live in prometheus-client's default registry. With `PROMETHEUS_MULTIPROC_DIR` set (it must be set
before the process starts, and emptied when the service starts) every process, each gunicorn worker and each
Celery pool process, writes its values to files there, and `/metrics` adds them all up: processes that share
that directory (those on one machine) are reported together. Without it a process reports only its own.
Figures read from the database (backlogs, overdue work) are collected when `/metrics` is read
(`operations/metrics.py`), not here.
"""

import time

from celery import signals
from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# Seconds: pages answer in tens of milliseconds; exports and uploads take seconds.
REQUEST_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
TASK_BUCKETS = (0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)

REQUESTS = Counter(
    "leo_http_requests",
    "HTTP requests answered, by view (URL name), method and status class.",
    ["view", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "leo_http_request_duration_seconds",
    "Time to answer an HTTP request, by view (URL name) and method.",
    ["view", "method"],
    buckets=REQUEST_BUCKETS,
)
TASKS = Counter("leo_celery_tasks", "Celery tasks finished, by task and outcome.", ["task", "outcome"])
TASK_SECONDS = Histogram(
    "leo_celery_task_duration_seconds",
    "Time a Celery task ran, by task and outcome.",
    ["task", "outcome"],
    buckets=TASK_BUCKETS,
)


def view_label(request) -> str:
    """The URL's name: a bounded set of labels (the path would make one series per application)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or "unnamed"


class RequestMetricsMiddleware:
    """Counts and times every request. First in MIDDLEWARE, so it sees every answer, redirects included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        view = view_label(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view, method, f"{response.status_code // 100}xx").inc()
        REQUEST_SECONDS.labels(view, method).observe(time.perf_counter() - started)
        return response


_started: dict[str, float] = {}


@signals.task_prerun.connect(dispatch_uid="leo_access.metrics.task_started")
def _task_started(task_id=None, **kwargs):
    _started[task_id] = time.perf_counter()


@signals.task_postrun.connect(dispatch_uid="leo_access.metrics.task_finished")
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    started = _started.pop(task_id, None)
    name = getattr(task, "name", "unknown")
    outcome = (state or "unknown").lower()
    TASKS.labels(name, outcome).inc()
    if started is not None:
        TASK_SECONDS.labels(name, outcome).observe(time.perf_counter() - started)


def process_metrics() -> bytes:
    """This process's series, or every process's in multiprocess mode, in Prometheus text format."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
