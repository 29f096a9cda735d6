"""Log lines: one JSON object a line in production, readable text in development, each carrying a request id.

Every line logged while a request is answered carries its `request_id` (the proxy's `X-Request-ID` when it is a
plausible id, otherwise a new one; echoed in the response), and so does every line of a Celery task that request
queued: the id travels in the task message's headers and is bound again in the worker before the task runs.
The id is held in structlog's context variables, which the formatter adds to every standard-library log record,
so Django's, Celery's and the service's own loggers all carry it without being changed.
"""

import logging
import logging.config
import re
import time
import uuid

import structlog
from celery import signals
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished
from django.dispatch import receiver

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's or client's id may look like to be kept: short, and nothing that could forge a log line.
PLAUSIBLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
FORMATS = ("json", "console")

requests_log = logging.getLogger("leo_access.requests")


def _shared_processors() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def logging_config(log_format: str, level: str) -> dict:
    """The LOGGING setting: JSON lines or console text, through structlog's formatter for every logger."""
    if log_format not in FORMATS:
        raise ImproperlyConfigured(f"Set LOG_FORMAT to one of {', '.join(FORMATS)}, not {log_format!r}.")
    renderer = (
        structlog.processors.JSONRenderer(sort_keys=True)
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    final = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if log_format == "json":
        # The traceback as text: a traceback rendered as a dict would carry each frame's local variables.
        final.append(structlog.processors.format_exc_info)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [*final, renderer],
                "foreign_pre_chain": _shared_processors(),
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # One line per task run drowns everything else; failures are still logged.
            "celery.app.trace": {"level": "WARNING"},
            # In development runserver prints its own line for each request.
            "leo_access.requests": {"level": "INFO" if log_format == "json" else "WARNING"},
        },
    }


def configure_structlog() -> None:
    """Lines logged through structlog itself go through the standard library's handlers too."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def request_id_from(value: str | None) -> str:
    if value and PLAUSIBLE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return structlog.contextvars.get_contextvars().get("request_id")


class RequestIdMiddleware:
    """Binds the request id for every line logged while answering, echoes it, and logs one line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        # Django logs an error response ("Not Found: ...") after the last middleware has returned, so the id stays
        # bound until the response is finished (`request_finished`), and whatever the thread held before goes.
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        match = getattr(request, "resolver_match", None)
        requests_log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "view": match.view_name if match else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


@receiver(request_finished, dispatch_uid="leo_access.logs.forget_request_id")
def _forget_request_id(**kwargs):
    structlog.contextvars.clear_contextvars()


@signals.before_task_publish.connect(dispatch_uid="leo_access.logs.send_request_id")
def _send_request_id(headers=None, **kwargs):
    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault("request_id", request_id)


_task_tokens: dict[str, dict] = {}


@signals.task_prerun.connect(dispatch_uid="leo_access.logs.bind_task")
def _bind_task(task_id=None, task=None, **kwargs):
    context = {"task": getattr(task, "name", None), "task_id": task_id}
    request = getattr(task, "request", None)
    sent = None
    if request is not None:
        sent = request.get("request_id") or (request.get("headers") or {}).get("request_id")
    if sent:
        context["request_id"] = request_id_from(sent)
    # A task run in-process (eager) keeps the request id of the request it runs in.
    _task_tokens[task_id] = structlog.contextvars.bind_contextvars(**context)


@signals.task_postrun.connect(dispatch_uid="leo_access.logs.unbind_task")
def _unbind_task(task_id=None, **kwargs):
    tokens = _task_tokens.pop(task_id, None)
    if tokens:
        structlog.contextvars.reset_contextvars(**tokens)


@signals.setup_logging.connect(dispatch_uid="leo_access.logs.worker_logging")
def _worker_logging(**kwargs):
    """The worker logs as the web processes do (Django's LOGGING), instead of Celery's own format."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
