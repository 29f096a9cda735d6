"""Queue pages and the review page against a large database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leo_bench .venv/bin/python bench/bench_queues.py [--applications N]

Seeds the database up to N generated applications (default 100,000) with `seed_demo --applications`,
then, in one run, measures for each queue page and the review page the number of SQL queries, and the
median server time of each queue page against two references served through the same middleware:

- the bare template: Django rendering a template that is one variable holding as many bytes as the page
  (the reference the target is set against);
- the site layout: the site's own layout (header, navigation, footer) around static text, as many bytes as
  the page, rendered for the same signed-in person, so with what every page pays (session, user, roles,
  navigation, unread notifications) and nothing of the queue.

Targets: at most 15 queries on every page, whatever N is; a queue page at most 4 times the bare template.
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
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leo_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")

import django  # noqa: E402

django.setup()

from bench_dashboard import bare_layout, sign_in  # noqa: E402  (this folder is on the path when run as a script)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import Context, Engine  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

import leo_access.urls  # noqa: E402
from applications.models import Application  # noqa: E402
from applications.states import State  # noqa: E402
from leo_access.models import User  # noqa: E402

RUNS = 30
TARGET_RATIO = 4.0
MAX_QUERIES = 15
PAGES = {
    "ras@example.com": ["/reviews/queues/intake/", "/reviews/queues/intake/?overdue=1&sort=title&q=study"],
    "dfe@example.com": ["/reviews/queues/dfe/", "/reviews/queues/dfe/?dataset=NPD&state=waiting&page=3"],
    # In the generated histories DfE has always decided by department review, so its queue is empty;
    # HMRC's holds every application at department review.
    "hmrc@example.com": ["/reviews/queues/hmrc/", "/reviews/queues/hmrc/?dataset=NPD&state=waiting&page=3"],
    "panel@example.com": ["/reviews/queues/panel/"],
}


def seed(target: int):
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    have = Application.objects.filter(title__startswith="Generated study").count()
    if have < target:
        print(f"Seeding {target - have} applications (have {have})...", flush=True)
        started = time.monotonic()
        call_command("seed_demo", applications=target - have, verbosity=0)
        print(f"  done in {time.monotonic() - started:.0f} s", flush=True)


def timed(client, url) -> tuple[float, int, int]:
    """Median server time (s), query count and response size of GET url."""
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Counted now: the log the context reads is cleared by the requests that follow.
    query_count = len(queries)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times), query_count, len(response.content)


def bare(request, size):
    """A page of `size` bytes rendered from a template that asks nothing of the database."""
    template = Engine.get_default().from_string("<!DOCTYPE html><html><body>{{ filler }}</body></html>")
    return HttpResponse(template.render(Context({"filler": "x" * size})))


# The references are served through the same middleware as the real pages, so the comparison is server time.
urlpatterns = [
    *leo_access.urls.urlpatterns,
    path("__bench__/bare/<int:size>/", bare),
    path("__bench__/layout/<int:size>/", bare_layout),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=100_000)
    args = parser.parse_args()
    seed(args.applications)
    total = Application.objects.count()
    print(f"Applications in the database: {total}")
    client = Client()
    worst_ratio, worst_layout, most_queries = 0.0, 0.0, 0
    print(f"{'page':<58} {'queries':>7} {'median':>9} {'bare':>8} {'ratio':>6} {'layout':>8} {'ratio':>6}")
    for email, urls in PAGES.items():
        sign_in(client, User.objects.get(email=email))
        for url in urls:
            median, queries, size = timed(client, url)
            bare_median = timed(client, f"/__bench__/bare/{size}/")[0]
            layout_median = timed(client, f"/__bench__/layout/{size}/")[0]
            ratio, layout_ratio = median / bare_median, median / layout_median
            worst_ratio, worst_layout = max(worst_ratio, ratio), max(worst_layout, layout_ratio)
            most_queries = max(most_queries, queries)
            print(
                f"{url:<58} {queries:>7} {median * 1000:6.2f} ms {bare_median * 1000:5.2f} ms {ratio:5.1f}x "
                f"{layout_median * 1000:5.2f} ms {layout_ratio:5.1f}x",
                flush=True,
            )
    review = Application.objects.filter(state=State.DEPARTMENT_REVIEW).order_by("pk").first()
    sign_in(client, User.objects.get(email="dfe@example.com"))
    median, queries, _ = timed(client, f"/reviews/applications/{review.pk}/")
    most_queries = max(most_queries, queries)
    print(f"{'review page':<58} {queries:>7} {median * 1000:6.2f} ms")
    print(f"Most queries on a page: {most_queries} (target at most {MAX_QUERIES})")
    print(f"Worst queue page / bare template: {worst_ratio:.1f} (target at most {TARGET_RATIO:g})")
    print(f"Worst queue page / site layout of the same size: {worst_layout:.1f}")
    ok = most_queries <= MAX_QUERIES and worst_ratio <= TARGET_RATIO
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    with override_settings(ROOT_URLCONF="__main__", ALLOWED_HOSTS=["testserver"], DEBUG=False):
        sys.exit(main())
