"""The API's queue and public register against a large database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leo_api_bench .venv/bin/python bench/bench_api.py [N]

Seeds the database up to N generated applications (default 100,000) with `seed_demo --applications` (which ends
with VACUUM (ANALYZE) of every table it wrote), then, for each operation below:

- its SQL query count (the register's with its cache missed), at N and again after adding N/1,000 more
  applications, which must not change it;
- its median server time against a bare DRF view returning a JSON body of the same number of bytes, requests
  interleaved, **warm** (repeated requests; the register's page kept in the cache, as almost every request finds
  it) and **cold** (before each request of both the operation and its reference, the cache emptied, except the
  register's filter choices, which every address shares and a change to the register alone recomputes: as the
  first request for an address after the register changed; and for the queue, a new database connection).

The bare views are served through the same middleware and the API's own authentication and throttling (the queue's
reference authenticates with the same personal token, the register's with none, as the register), so the ratio is
what the operation itself costs. The cache is Redis (`REDIS_URL`), with the throttle's rate raised so that nothing
is refused. Targets: the queue at most 4 times its reference warm and cold; the register, answered from its cache
until the register changes as its page is (docs/adr/0016), at most 4 times warm, its cold figure printed for
information as `bench_register.py` prints the page's; every operation the same number of queries after adding
applications. Exits 1 when a target is missed.
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
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leo_api_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")

import django  # noqa: E402

django.setup()

from bench_dashboard import seed  # noqa: E402  (this folder is on the path when run as a script)
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework.permissions import AllowAny  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

import leo_access.urls  # noqa: E402
from api.throttling import PerTokenThrottle  # noqa: E402
from api.tokens import issue_token  # noqa: E402
from applications.models import Application  # noqa: E402
from applications.register import cache as register_cache  # noqa: E402
from applications.register import selectors as register_selectors  # noqa: E402
from leo_access.actors import SYSTEM  # noqa: E402
from leo_access.models import User  # noqa: E402

RUNS = 30
COLD_RUNS = 8
TARGET_RATIO = 4.0
NOTHING = "zqxjvw"  # a word no generated application, person or organisation contains
QUEUE = [
    "/api/v1/queues/intake/",
    "/api/v1/queues/intake/?overdue=1&sort=title&q=study",
    "/api/v1/queues/intake/?q=example.org",
    "/api/v1/queues/intake/?q=researcher+2",
    "/api/v1/queues/intake/?q=researcher+271",
    f"/api/v1/queues/intake/?q={NOTHING}",
    "/api/v1/queues/hmrc/?dataset=NPD&state=waiting&sort=reference",
]
REGISTER = [
    "/api/v1/register/",
    "/api/v1/register/?q=study",
    "/api/v1/register/?dataset=NPD&status=access_granted",
    "/api/v1/register/?q=LEO-2025-0100",
    f"/api/v1/register/?q={NOTHING}",
]
STAFF = {"intake": "ras@example.com", "hmrc": "hmrc@example.com"}
REDIS_CACHE = {
    "default": {
        "BACKEND": "leo_access.cache.ResilientRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "leo-bench-api",
    }
}


class BareApi(APIView):
    """A JSON body of `size` bytes from nothing: what any API operation pays (authentication, throttle, the
    permission table's check, rendering), and nothing of its own; checked as the queue is."""

    needs = "reviews.view_queue"

    def get(self, request, size):
        # {"filler":"…"} is 13 bytes around the filler.
        return Response({"filler": "x" * max(0, size - 13)})


class BarePublicApi(BareApi):
    """The same, open to everyone as the register is."""

    authentication_classes = []
    permission_classes = [AllowAny]


urlpatterns = [
    *leo_access.urls.urlpatterns,
    path("__bench__/api/<int:size>/", BareApi.as_view()),
    path("__bench__/public-api/<int:size>/", BarePublicApi.as_view()),
]


def headers_for(url: str, tokens: dict) -> dict:
    """The queue's staff member's token for a queue (and for its reference); none for the register."""
    if "/queues/" not in url:
        return {}
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens[url.split('/queues/')[1].split('/')[0]]}"}


def make_cold(url: str):
    """As after the cache expired: the register's filter choices are kept (computed once per version of the
    register, shared by every address), the rest is emptied; and for the queue and its reference, which both
    authenticate a token in the database, a new database connection. (The register's reference reads nothing from
    the database, so a new connection would be counted against the register alone.)"""
    options = cache.get(register_cache.key(register_cache.version(), "options"))
    cache.clear()
    register_cache.forget_local()
    if options is not None:
        cache.set(register_cache.key(register_cache.version(), "options"), options, None)
    if "/register/" not in url and "/public-api/" not in url:
        connection.close()


def get(client, url, headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response


def count_queries(client, url, headers) -> tuple[int, int]:
    """Queries of a request (the register's with its page not yet kept, its filter choices kept), and the size."""
    get(client, url, headers)  # a token's first use in a minute also writes its last-used time
    if "/register/" in url:
        make_cold(url)
        get(client, REGISTER[0], headers)  # keeps the filter choices for this version
        make_cold(url)
    with CaptureQueriesContext(connection) as queries:
        response = get(client, url, headers)
    return len(queries), len(response.content)


def interleaved(client, urls, headers, runs, cold=False) -> dict[str, float]:
    for url in urls:
        get(client, url, headers)
    times = {url: [] for url in urls}
    for _ in range(runs):
        for url in urls:
            if cold:
                make_cold(url)
            started = time.perf_counter()
            get(client, url, headers)
            times[url].append(time.perf_counter() - started)
    return {url: statistics.median(seconds) for url, seconds in times.items()}


def measure(client, tokens, urls) -> dict:
    results = {}
    for url in urls:
        headers = headers_for(url, tokens)
        queries, size = count_queries(client, url, headers)
        bare = f"/__bench__/{'public-api' if '/register/' in url else 'api'}/{size}/"
        warm = interleaved(client, [url, bare], headers, RUNS)
        cold = interleaved(client, [url, bare], headers, COLD_RUNS, cold=True)
        results[url] = {
            "queries": queries,
            "size": size,
            "warm": warm[url],
            "warm_bare": warm[bare],
            "cold": cold[url],
            "cold_bare": cold[bare],
        }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("applications", nargs="?", type=int, default=100_000)
    options = parser.parse_args()
    seed(options.applications)
    total = Application.objects.count()
    tokens = {
        team: issue_token(user=User.objects.get(email=email), by=SYSTEM, name="bench", scope="read", days=1)[1]
        for team, email in STAFF.items()
    }
    PerTokenThrottle.THROTTLE_RATES = {"api": "1000000/minute"}
    client = Client()
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False, CACHES=REDIS_CACHE, REGISTER_VERSION_CHECK_SECONDS=1.0):
        cache.clear()
        register_cache.forget_local()
        results = measure(client, tokens, [*QUEUE, *REGISTER])
        added = max(10, options.applications // 1000)
        call_command("seed_demo", applications=added, verbosity=0)
        after = {url: count_queries(client, url, headers_for(url, tokens))[0] for url in results}
    print(
        f"applications in the database: {total} ({register_selectors.count()} on the register); "
        f"then {Application.objects.count()} for the second query count"
    )
    print(
        f"{'operation':<58} {'queries':>7} {'bytes':>7} {'warm':>9} {'bare':>8} {'ratio':>6} "
        f"{'cold':>9} {'bare':>8} {'ratio':>6}"
    )
    ok = True
    for url, r in results.items():
        warm_ratio, cold_ratio = r["warm"] / r["warm_bare"], r["cold"] / r["cold_bare"]
        flat = r["queries"] == after[url]
        # The register is answered from its cache until it changes (ADR 16), as its page is: its target is warm,
        # and its cold figure (after a change, once per address) is for information, as in bench_register.py.
        cold_counts = "/register/" not in url
        ok = ok and flat and warm_ratio <= TARGET_RATIO and (cold_ratio <= TARGET_RATIO or not cold_counts)
        print(
            f"{url:<58} {r['queries']:>3}/{after[url]:<3} {r['size']:>7} {r['warm'] * 1000:6.2f} ms "
            f"{r['warm_bare'] * 1000:5.2f} ms {warm_ratio:5.1f}x {r['cold'] * 1000:6.2f} ms "
            f"{r['cold_bare'] * 1000:5.2f} ms {cold_ratio:5.1f}x",
            flush=True,
        )
    print(
        f"target: at most {TARGET_RATIO:g}x the bare DRF view, warm and cold (the register: warm; cold for "
        "information); the same queries with more applications"
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
