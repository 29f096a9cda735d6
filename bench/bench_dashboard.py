"""The tracking dashboard against a large database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leo_bench_track .venv/bin/python bench/bench_dashboard.py [N]

Seeds the database up to N generated applications (default 100,000) with `seed_demo --applications` (which ends
with VACUUM (ANALYZE) of every table it wrote), then, in one run:

- the worker's part, for information: working out every application's stored stage times once after seeding, and
  the dashboard's refresh (`reviews.tracking.tasks.refresh_dashboard`, every minute by beat);
- the page's part: its SQL query count (at N and after adding more applications, which must not change it), and
  its median server time against Django rendering a bare template of the same size, with page and reference
  requests interleaved, **warm** (one connection, repeated requests) and **cold** (a new database connection
  and an empty cache before each request, for both), and for information against the site's layout.

Target: at most 4 times the bare template, warm and cold. Exits non-zero when a target is missed.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leo_access.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leo_bench_track")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import Context, Engine  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

import leo_access.urls  # noqa: E402
from applications.models import Application  # noqa: E402
from leo_access.models import User  # noqa: E402
from reviews.tracking.services import refresh_dashboard, refresh_stage_times  # noqa: E402

RUNS = 30
TARGET_RATIO = 4.0
DASHBOARD = "/tracking/"
CHARTS = ["/tracking/charts/funnel.svg", "/tracking/charts/throughput.svg", "/tracking/charts/stage-days.svg"]


def seed(target: int):
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    have = Application.objects.filter(title__startswith="Generated study").count()
    if have < target:
        print(f"Seeding {target - have} applications (have {have})...", flush=True)
        started = time.monotonic()
        call_command("seed_demo", applications=target - have, verbosity=0)
        print(f"  done in {time.monotonic() - started:.0f} s", flush=True)


def count_queries(client, url) -> tuple[int, int]:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), len(response.content)


def interleaved(client, urls, runs=RUNS, cold=False) -> list[float]:
    """Median server time of each URL, requested in turn, `runs` rounds; cold: a new database connection and an
    empty cache before every request."""
    for url in urls:
        client.get(url)
    times = {url: [] for url in urls}
    for _ in range(runs):
        for url in urls:
            if cold:
                connection.close()
                cache.clear()
            started = time.perf_counter()
            response = client.get(url)
            times[url].append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
    return [statistics.median(times[url]) for url in urls]


def sign_in(client, user):
    """Sign in as the sign-in page does, with a password and an authenticator code.

    Pages refuse a session without the second factor, so the session records both, as allauth does.
    """
    import time as clock

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    client.force_login(user)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    session = client.session
    now = clock.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def bare(request, size):
    """A page of `size` bytes from a template that asks nothing of the database."""
    template = Engine.get_default().from_string("<!DOCTYPE html><html><body>{{ filler }}</body></html>")
    return HttpResponse(template.render(Context({"filler": "x" * size})))


LAYOUT = '{% extends "base.html" %}{% block content %}<p class="govuk-body">{{ filler }}</p>{% endblock %}'
# The size of the layout with no filler, per person (the navigation differs), measured on a first request.
_shell_sizes: dict = {}


def bare_layout(request, size):
    """The site's own layout (header, navigation, footer) around static text, `size` bytes in all.

    Rendered once per request, for the signed-in person, so it pays what every page of the site pays (session,
    user, roles, navigation, unread notifications) and nothing more.
    """
    from django.template import engines

    template = engines["django"].from_string(LAYOUT)
    key = (request.user.pk, request.path)
    if key not in _shell_sizes:
        _shell_sizes[key] = len(template.render({"filler": ""}, request))
    return HttpResponse(template.render({"filler": "x" * max(0, size - _shell_sizes[key])}, request))


# Served through the same middleware as the dashboard, so the comparison is of server time.
urlpatterns = [
    *leo_access.urls.urlpatterns,
    path("__bench__/bare/<int:size>/", bare),
    path("__bench__/layout/<int:size>/", bare_layout),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("applications", nargs="?", type=int, default=100_000)
    options = parser.parse_args()
    seed(options.applications)
    total = Application.objects.count()
    # After seeding, every generated application's stage times are still to be worked out: once, by the worker.
    started = time.perf_counter()
    refresh_stage_times()
    stored = time.perf_counter() - started
    started = time.perf_counter()
    refresh_dashboard()
    refreshed = time.perf_counter() - started
    client = Client()
    sign_in(client, User.objects.get(email="admin@example.com"))
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        queries, size = count_queries(client, DASHBOARD)
        bare_url, layout_url = f"/__bench__/bare/{size}/", f"/__bench__/layout/{size}/"
        warm, warm_bare, layout = interleaved(client, [DASHBOARD, bare_url, layout_url])
        cold, cold_bare = interleaved(client, [DASHBOARD, bare_url], runs=10, cold=True)
        sign_in(client, User.objects.get(email="admin@example.com"))  # the cold rounds emptied the session cache
        charts = dict(zip(CHARTS, interleaved(client, CHARTS), strict=True))
        # More applications must not mean more queries, before or after the worker's next refresh.
        added = max(10, options.applications // 100)
        call_command("seed_demo", applications=added, verbosity=0)
        queries_stale, _ = count_queries(client, DASHBOARD)
        refresh_dashboard()
        queries_after, _ = count_queries(client, DASHBOARD)
    warm_ratio, cold_ratio = warm / warm_bare, cold / cold_bare
    print(f"applications in the database: {total} (then {Application.objects.count()})")
    print(f"dashboard: {queries} SQL queries (then {queries_stale}, and {queries_after} after a refresh), {size} bytes")
    print(
        f"warm: dashboard median {warm * 1000:.2f} ms; bare template {warm_bare * 1000:.2f} ms; ratio {warm_ratio:.2f}"
    )
    print(
        f"cold: dashboard median {cold * 1000:.2f} ms; bare template {cold_bare * 1000:.2f} ms; ratio {cold_ratio:.2f}"
    )
    print(f"target at most {TARGET_RATIO} for both")
    print(f"against the site layout of the same size ({layout * 1000:.2f} ms), warm: ratio {warm / layout:.2f}")
    print(f"worker: every application's stored stage times once after seeding {stored:.1f} s")
    print(f"worker: the dashboard's refresh (beat, every minute) {refreshed * 1000:.0f} ms")
    for url, seconds in charts.items():
        print(f"  {url}: median {seconds * 1000:.1f} ms")
    ok = warm_ratio <= TARGET_RATIO and cold_ratio <= TARGET_RATIO and queries == queries_stale == queries_after
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
