"""The tracking dashboard against a large database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leo_bench_track .venv/bin/python bench/bench_dashboard.py [N]

Seeds the database up to N generated applications (default 100,000) with `seed_demo --applications`, then, in
one run, measures the dashboard's SQL query count (at N and after adding more applications, which must not
change it) and its median server time against Django rendering a bare template of the same size (and, for
information, the site's layout of the same size). Target: at most 4 times the bare template.

The dashboard keeps its figures, with their tables rendered, for TRACKING_DASHBOARD_CACHE_SECONDS, so the
median is of that (warm) page; the page with its figures worked out afresh (cold: its cache entry deleted
before each request) is timed separately, as is the first cold page after more applications were added, and
the one-off working out of every application's stored stage times after seeding. The chart images are timed
too, for information. The cache is Redis (REDIS_URL, default database 11 here); only the dashboard's own entries
are deleted.
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
from reviews.tracking.selectors import Period  # noqa: E402
from reviews.tracking.services import refresh_stage_times  # noqa: E402

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


def median_time(client, url) -> float:
    client.get(url)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
    assert response.status_code == 200
    return statistics.median(times)


def forget_dashboard():
    """Delete the dashboard's cache entry for the default period (and nothing else in the cache)."""
    period = Period.last_months(12)
    cache.delete(f"tracking:dashboard:{period.start}:{period.end}")


def median_cold(client, url, runs=5) -> float:
    times = []
    for _ in range(runs):
        forget_dashboard()
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def sign_in(client, user):
    """Sign in as the sign-in page does for staff, with a password and an authenticator code.

    Staff pages refuse a session without the second factor, so the session records both, as allauth does.
    """
    import time as clock

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from leo_access.roles import is_staff_member

    client.force_login(user)
    if not is_staff_member(user):
        return
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
    # After seeding, every generated application's stage times are still to be worked out: once, here.
    started = time.perf_counter()
    refresh_stage_times()
    stored = time.perf_counter() - started
    client = Client()
    sign_in(client, User.objects.get(email="admin@example.com"))
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        forget_dashboard()
        queries, size = count_queries(client, DASHBOARD)
        dashboard = median_time(client, DASHBOARD)
        baseline = median_time(client, f"/__bench__/bare/{size}/")
        layout = median_time(client, f"/__bench__/layout/{size}/")
        cold = median_cold(client, DASHBOARD)
        charts = {url: median_time(client, url) for url in CHARTS}
        # More applications must not mean more queries.
        added = max(10, options.applications // 100)
        call_command("seed_demo", applications=added, verbosity=0)
        forget_dashboard()
        started = time.perf_counter()
        client.get(DASHBOARD)
        after_change = time.perf_counter() - started
        queries_after, _ = count_queries(client, DASHBOARD)
    ratio = dashboard / baseline
    print(f"applications in the database: {total} (then {Application.objects.count()})")
    print(f"dashboard: {queries} SQL queries (then {queries_after}), {size} bytes")
    print(f"dashboard median {dashboard * 1000:.2f} ms; bare template of the same size {baseline * 1000:.2f} ms")
    print(f"ratio {ratio:.2f} (target at most {TARGET_RATIO})")
    print(f"against the site layout of the same size ({layout * 1000:.2f} ms): ratio {dashboard / layout:.2f}")
    print(f"cold: the dashboard with its figures worked out afresh (entry deleted): median {cold * 1000:.0f} ms")
    print(f"cold after adding {added} applications (their stage times worked out too): {after_change * 1000:.0f} ms")
    print(f"once after seeding: working out every application's stored stage times {stored:.1f} s")
    for url, seconds in charts.items():
        print(f"  {url}: median {seconds * 1000:.1f} ms")
    ok = ratio <= TARGET_RATIO and queries == queries_after
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
