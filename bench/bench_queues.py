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

Each page and its references are requested in turn (interleaved), warm (30 rounds after one to warm up) and
cold (the first request after the cache is emptied and the database connection closed, 5 rounds). The pages
include the worst realistic cases: searches matching nothing and matching every row, the last page of the
longest queue, and the review page of an application with 50 events and 10 form versions.

Targets: at most 15 queries on every page, whatever N is; a queue page at most 4 times the bare template,
warm and cold. The script exits with status 1 when a target is missed.
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
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import Context, Engine  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

import leo_access.urls  # noqa: E402
from applications.models import Application, ApplicationEvent, VariableRequestForm, department_queue  # noqa: E402
from applications.states import State  # noqa: E402
from leo_access.models import User  # noqa: E402
from leo_access.roles import Department  # noqa: E402
from reviews.selectors import PAGE_SIZE  # noqa: E402

RUNS = 30
COLD_RUNS = 5
TARGET_RATIO = 4.0
MAX_QUERIES = 15
NOTHING = "zqxjvw"  # a word no generated application, person or organisation contains


def pages() -> dict[str, list[str]]:
    """Each staff member's pages, the worst realistic cases included: searches matching nothing and matching
    every row (every generated researcher's address is at example.org), and the last page of the longest queue."""
    hmrc_last = -(-Application.objects.filter(department_queue(Department.HMRC)).count() // PAGE_SIZE)
    return {
        "ras@example.com": [
            "/reviews/queues/intake/",
            "/reviews/queues/intake/?overdue=1&sort=title&q=study",
            f"/reviews/queues/intake/?q={NOTHING}",
            "/reviews/queues/intake/?q=example.org",
            # Searches matching a few (by name, by title), many (a third of the names) and everything with a
            # filter and another order.
            "/reviews/queues/intake/?q=researcher+271",
            "/reviews/queues/intake/?q=study+777",
            "/reviews/queues/intake/?q=researcher+2",
            "/reviews/queues/intake/?q=example.org&state=waiting&sort=newest",
        ],
        "dfe@example.com": ["/reviews/queues/dfe/", "/reviews/queues/dfe/?dataset=NPD&state=waiting&page=3"],
        # In the generated histories DfE has always decided by department review, so its queue is empty;
        # HMRC's holds every application at department review.
        "hmrc@example.com": [
            "/reviews/queues/hmrc/",
            "/reviews/queues/hmrc/?dataset=NPD&state=waiting&page=3",
            f"/reviews/queues/hmrc/?page={max(1, hmrc_last)}",
            f"/reviews/queues/hmrc/?q={NOTHING}",
            "/reviews/queues/hmrc/?q=example.org&dataset=NPD&sort=reference",
        ],
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


def long_history() -> Application:
    """An application at department review with 50 events and 10 form versions: the heaviest review page a
    reviewer meets. Made once from a generated application's own rows, so it stays in the benchmark database."""
    marked = Application.objects.filter(title__startswith="Generated study", state=State.DEPARTMENT_REVIEW)
    application = marked.annotate(events_count=Count("events")).filter(events_count__gte=50).order_by("pk").first()
    if application:
        return application
    application = marked.order_by("pk").first()
    latest = application.variable_request_forms.order_by("-version").first()
    versions = application.variable_request_forms.count()
    extra = []
    for version in range(latest.version + 1, latest.version + 1 + max(0, 10 - versions)):
        copy = VariableRequestForm.objects.get(pk=latest.pk)
        copy.pk, copy.version = None, version
        extra.append(copy)
    VariableRequestForm.objects.bulk_create(extra)
    last = application.events.order_by("-at").first()
    ApplicationEvent.objects.bulk_create(
        ApplicationEvent(
            application=application,
            kind="comment",
            actor=last.actor,
            actor_role=last.actor_role,
            from_state=application.state,
            to_state=application.state,
            at=last.at,
            comment=f"Note {n} on the tables requested.",
        )
        for n in range(max(0, 50 - application.events.count()))
    )
    return application


def warm_times(client, urls: list[str]) -> tuple[dict[str, float], dict[str, int], dict[str, int]]:
    """Median server time of each url, requested in turn, RUNS rounds, so that pages and their references
    share whatever the machine is doing; and each url's query count and size, taken on a warmed request."""
    counts, sizes = {}, {}
    for url in urls:
        client.get(url)  # warm caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        # Counted now: the log the context reads is cleared by the requests that follow.
        counts[url], sizes[url] = len(queries), len(response.content)
        assert response.status_code == 200, (url, response.status_code)
    times = {url: [] for url in urls}
    for _ in range(RUNS):
        for url in urls:
            started = time.perf_counter()
            client.get(url)
            times[url].append(time.perf_counter() - started)
    return {url: statistics.median(t) for url, t in times.items()}, counts, sizes


def cold_times(client, urls: list[str]) -> dict[str, float]:
    """Median time of each url's first request after the cache is emptied and the database connection is new,
    as after a deploy or when the cache has expired; interleaved as the warm figures are."""
    times = {url: [] for url in urls}
    for _ in range(COLD_RUNS):
        for url in urls:
            session = client.session.session_key
            if session is None or not client.session.exists(session):
                raise SystemExit("Not signed in: the benchmark needs a session kept in the database.")
            cache.clear()
            connection.close()
            started = time.perf_counter()
            client.get(url)
            times[url].append(time.perf_counter() - started)
    return {url: statistics.median(t) for url, t in times.items()}


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
    worst_warm, worst_cold, worst_layout, most_queries = 0.0, 0.0, 0.0, 0
    print(
        f"{'page':<52} {'queries':>7} {'warm':>9} {'bare':>8} {'ratio':>6} {'layout':>8} {'ratio':>6} "
        f"{'cold':>9} {'bare':>8} {'ratio':>6}"
    )
    for email, urls in pages().items():
        sign_in(client, User.objects.get(email=email))
        for url in urls:
            # Sizes first, so each reference is as large as its page.
            size = len(client.get(url).content)
            bare_url, layout_url = f"/__bench__/bare/{size}/", f"/__bench__/layout/{size}/"
            warm, counts, _ = warm_times(client, [url, bare_url, layout_url])
            cold = cold_times(client, [url, bare_url])
            ratio, layout_ratio = warm[url] / warm[bare_url], warm[url] / warm[layout_url]
            cold_ratio = cold[url] / cold[bare_url]
            worst_warm, worst_layout = max(worst_warm, ratio), max(worst_layout, layout_ratio)
            worst_cold = max(worst_cold, cold_ratio)
            most_queries = max(most_queries, counts[url])
            print(
                f"{url:<52} {counts[url]:>7} {warm[url] * 1000:6.2f} ms {warm[bare_url] * 1000:5.2f} ms "
                f"{ratio:5.1f}x {warm[layout_url] * 1000:5.2f} ms {layout_ratio:5.1f}x "
                f"{cold[url] * 1000:6.2f} ms {cold[bare_url] * 1000:5.2f} ms {cold_ratio:5.1f}x",
                flush=True,
            )
    sign_in(client, User.objects.get(email="hmrc@example.com"))
    for label, application in [
        ("review page", Application.objects.filter(state=State.DEPARTMENT_REVIEW).order_by("pk").first()),
        ("review page, 50 events and 10 forms", long_history()),
    ]:
        url = f"/reviews/applications/{application.pk}/"
        warm, counts, _ = warm_times(client, [url])
        cold = cold_times(client, [url])
        most_queries = max(most_queries, counts[url])
        print(f"{label:<52} {counts[url]:>7} {warm[url] * 1000:6.2f} ms{'':>33} {cold[url] * 1000:6.2f} ms")
    print(f"Most queries on a page: {most_queries} (target at most {MAX_QUERIES})")
    print(f"Worst queue page / bare template: warm {worst_warm:.1f}, cold {worst_cold:.1f} (target {TARGET_RATIO:g})")
    print(f"Worst queue page / site layout of the same size: {worst_layout:.1f}")
    ok = most_queries <= MAX_QUERIES and worst_warm <= TARGET_RATIO and worst_cold <= TARGET_RATIO
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    with override_settings(ROOT_URLCONF="__main__", ALLOWED_HOSTS=["testserver"], DEBUG=False):
        sys.exit(main())
