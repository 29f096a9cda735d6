"""The public register against a large database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leo_bench_register .venv/bin/python bench/bench_register.py [N]

Seeds the database up to N generated applications (default 100,000) with `seed_demo --applications` (which ends
with VACUUM (ANALYZE) of every table it wrote), then, for each register page below, signed out as the public is:

- its SQL query count with the cache missed (at N, and again after adding more applications, which must not
  change it);
- its median server time against Django rendering a bare template of the same size, requests interleaved,
  **warm** (the rendered list from the cache, as almost every request finds it) and **cold** (the page's cache
  entry dropped before each request, so it is counted, read and rendered again; the filters' choices stay
  cached), and for information against the site's layout;
- for the first page, its median time after a change to the register (the version bumped before each request:
  the filters' choices are read again too).

The cache is Redis (`REDIS_URL`, default database 5), as in production; only the register's version is changed,
never the whole database emptied. A warm page is served from the process's own copy (see
`applications/register/cache.py`); the version is read from Redis at most once a second. Target: the warm page at
most 4 times the bare template. The cold figures are printed for information. Exits non-zero when the target is
missed or the query count grows.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leo_access.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leo_bench_register")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")

import django  # noqa: E402

django.setup()

from bench_dashboard import bare, bare_layout, seed  # noqa: E402  (this folder is on the path when run as a script)
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

import leo_access.urls  # noqa: E402
from applications.models import Application  # noqa: E402
from applications.register import cache as register_cache  # noqa: E402
from applications.register import selectors  # noqa: E402
from applications.register.views import FILTER_NAMES, PAGE_SIZE  # noqa: E402

RUNS = 100
COLD_RUNS = 10
TARGET_RATIO = 4.0
PAGES = [
    "/register/",
    "/register/?q=study",
    "/register/?dataset=NPD&status=access_granted",
    "/register/?q=LEO-2025-0100",
]
REDIS_CACHE = {
    "default": {
        "BACKEND": "leo_access.cache.ResilientRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "leo-bench-register",
    }
}

urlpatterns = [
    *leo_access.urls.urlpatterns,
    path("__bench__/bare/<int:size>/", bare),
    path("__bench__/layout/<int:size>/", bare_layout),
]


def count_queries(client, url) -> tuple[int, int]:
    register_cache.bump()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), len(response.content)


def forget_page(url):
    """Drop the page's entry, here and in Redis, as if its address had not been asked for at this version."""
    query = QueryDict(url.partition("?")[2])
    address = urlencode(sorted((name, query.get(name, "")) for name in (*FILTER_NAMES, "page")))
    register_cache.forget_local()
    cache.delete(register_cache.key(register_cache.version(), "page", address))


def interleaved(client, urls, runs, cold=None) -> list[float]:
    """Median server time of each URL, requested in turn, `runs` rounds. cold="page": the page's entry dropped
    before every request (the filters' choices stay cached); cold="change": the register's version bumped, as after
    a change to the register (everything is read again). The bare pages use no cache: it changes nothing for them."""
    for url in urls:
        client.get(url)
    times = {url: [] for url in urls}
    for _ in range(runs):
        for url in urls:
            if cold == "change":
                register_cache.bump()
            elif cold == "page" and url.startswith("/register/"):
                forget_page(url)
            started = time.perf_counter()
            response = client.get(url)
            times[url].append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
    return [statistics.median(times[url]) for url in urls]


def pages() -> list[str]:
    """The pages measured: those above, and a page halfway through the register."""
    return [*PAGES, f"/register/?page={max(1, selectors.count() // PAGE_SIZE // 2)}"]


def measure(client) -> dict:
    results = {}
    for url in pages():
        queries, size = count_queries(client, url)
        bare_url, layout_url = f"/__bench__/bare/{size}/", f"/__bench__/layout/{size}/"
        warm, warm_bare, layout = interleaved(client, [url, bare_url, layout_url], RUNS)
        cold, cold_bare = interleaved(client, [url, bare_url], COLD_RUNS, cold="page")
        change = interleaved(client, [url], COLD_RUNS, cold="change")[0] if url == PAGES[0] else None
        results[url] = {
            "queries": queries,
            "size": size,
            "warm": warm,
            "warm_bare": warm_bare,
            "layout": layout,
            "cold": cold,
            "cold_bare": cold_bare,
            "change": change,
        }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("applications", nargs="?", type=int, default=100_000)
    options = parser.parse_args()
    seed(options.applications)
    total = Application.objects.count()
    on_register = selectors.count()
    client = Client()
    # The production settings' cache and version check (the test settings read the version on every request).
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False, CACHES=REDIS_CACHE, REGISTER_VERSION_CHECK_SECONDS=1.0):
        assert settings.CACHES["default"]["BACKEND"].endswith("ResilientRedisCache")
        register_cache.forget_local()
        results = measure(client)
        added = max(10, options.applications // 1000)
        call_command("seed_demo", applications=added, verbosity=0)
        after = {url: count_queries(client, url)[0] for url in results}
    print(f"applications in the database: {total} ({on_register} on the register; then {Application.objects.count()})")
    ok = True
    for url, r in results.items():
        warm_ratio, cold_ratio = r["warm"] / r["warm_bare"], r["cold"] / r["cold_bare"]
        ok = ok and warm_ratio <= TARGET_RATIO and r["queries"] == after[url]
        print(f"{url}: {r['queries']} SQL queries on a miss (then {after[url]}), {r['size']} bytes")
        print(
            f"  warm: median {r['warm'] * 1000:.2f} ms; bare {r['warm_bare'] * 1000:.2f} ms; ratio {warm_ratio:.2f};"
            f" layout {r['layout'] * 1000:.2f} ms, ratio {r['warm'] / r['layout']:.2f}"
        )
        print(f"  cold: median {r['cold'] * 1000:.2f} ms; bare {r['cold_bare'] * 1000:.2f} ms; ratio {cold_ratio:.2f}")
        if r["change"]:
            print(f"  after a change to the register (its filter choices read again too): {r['change'] * 1000:.1f} ms")
    print(f"target: warm at most {TARGET_RATIO} times the bare template; queries the same after adding applications")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
