"""What a process does once when it starts, so that its first request or task costs what later ones do.

Each app registers its own warmers in `AppConfig.ready()` (this layer cannot know them): the web process runs the
"web" ones from the WSGI module, a Celery worker process the "worker" ones when it starts. A warmer that fails is
logged and skipped: warming must never stop a process from starting.
"""

import logging
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

WEB, WORKER = "web", "worker"
_warmers: list[tuple[frozenset[str], str, Callable[[], object]]] = []
_warmed: set[str] = set()


def register(function: Callable[[], object], *, kinds: tuple[str, ...] = (WEB, WORKER)) -> Callable[[], object]:
    name = f"{function.__module__}.{function.__qualname__}"
    if all(existing != name for _, existing, _ in _warmers):
        _warmers.append((frozenset(kinds), name, function))
    return function


def warm(kind: str, *, again: bool = False) -> dict[str, float]:
    """Run every warmer for this kind of process, once per process: seconds each took, by name."""
    if kind in _warmed and not again:
        return {}
    _warmed.add(kind)
    took = {}
    for kinds, name, function in _warmers:
        if kind not in kinds:
            continue
        started = time.perf_counter()
        try:
            function()
        except Exception:
            logger.exception("Warming %s failed; its first use will pay for it instead", name)
            continue
        took[name] = time.perf_counter() - started
    logger.info("Warmed the %s process in %.2f s", kind, sum(took.values()))
    return took


def resolvers_and_templates():
    """URL patterns (every app's URL module imported), every template of the service compiled, and one request for
    the start page through the whole middleware stack, as a person's first request would make it."""
    from pathlib import Path

    from django.conf import settings
    from django.template.loader import get_template
    from django.test import Client
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every URL module and view
    get_resolver().reverse_dict  # noqa: B018 - builds the reverse lookup once
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(folder).rglob("*.html"):
            get_template(str(path.relative_to(folder)))
    hosts = [host for host in settings.ALLOWED_HOSTS if host and "*" not in host]
    host = hosts[0].lstrip(".") if hosts else "localhost"
    Client(raise_request_exception=False).get("/", secure=True, headers={"host": host})


register(resolvers_and_templates, kinds=(WEB,))
