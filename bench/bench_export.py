"""Exporting every application to CSV against PostgreSQL's own COPY of the same query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leo_bench_track .venv/bin/python bench/bench_export.py [N]

Seeds up to N generated applications (default 100,000), then in one run times the streamed CSV export of
all applications (the generator a download streams, `exports.csv_chunks`) against
`COPY (the same SQL) TO STDOUT WITH CSV`, the query's raw values, and measures the export's peak Python memory
for a tenth of the rows and for all of them. It also times what an admin waits for above the page's row
limit: from asking for the export to its file being ready, built by a real Celery worker (`bench/worker.py`).
Targets: at most 2 times COPY, for the generator and through the worker, and peak memory that does not grow
with the rows. On PostgreSQL the export is itself a COPY, of that query wrapped to write each cell as the
Python writer does (labels, local times, days, Yes/No, formulas neutralised), so it costs the query plus that
formatting; a test checks it gives the Python writer's bytes.
"""

import argparse
import dataclasses
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leo_access.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leo_bench_track")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from bench_dashboard import seed  # noqa: E402  (this folder is on the path when run as a script)
from django.db import connection  # noqa: E402
from worker import running_worker, wait_for  # noqa: E402

from leo_access.models import User  # noqa: E402
from reviews.tracking import exports, services  # noqa: E402
from reviews.tracking.models import Export  # noqa: E402
from reviews.tracking.selectors import ApplicationFilters  # noqa: E402

RUNS = 3
TARGET_RATIO = 2.0


def stream(table) -> int:
    size = 0
    for chunk in exports.csv_chunks(table):
        size += len(chunk)
    return size


def copy(table) -> int:
    sql, params = table.queryset.values_list(*table.fields).query.sql_with_params()
    connection.ensure_connection()
    statement = psycopg.ClientCursor(connection.connection).mogrify(sql, params)
    size = 0
    with connection.connection.cursor() as cursor, cursor.copy(f"COPY ({statement}) TO STDOUT WITH CSV") as out:
        for block in out:
            size += len(block)
    return size


def median_seconds(function, *args) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def through_worker(rows: int) -> float:
    """What an admin waits for: from asking for the export to its file being ready, built by a real worker."""
    admin = User.objects.get(email="admin@example.com")
    started = time.perf_counter()
    export = services.request_export(kind=Export.Kind.APPLICATIONS, fmt="csv", filters={}, by=admin, total_rows=rows)
    finished = Export.objects.filter(pk=export.pk, status__in=[Export.Status.DONE, Export.Status.FAILED])
    wait_for(finished.exists)
    elapsed = time.perf_counter() - started
    export.refresh_from_db()
    if export.status != Export.Status.DONE or export.rows_written != rows:
        raise SystemExit(f"The export did not finish with every row: {export.status}, {export.rows_written} rows")
    return elapsed


def peak_memory(table) -> int:
    tracemalloc.start()
    stream(table)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("applications", nargs="?", type=int, default=100_000)
    options = parser.parse_args()
    seed(options.applications)
    table = exports.application_table(ApplicationFilters())
    rows = table.count()
    tenth = dataclasses.replace(table, queryset=table.queryset[: max(1, rows // 10)])
    ours = median_seconds(stream, table)
    theirs = median_seconds(copy, table)
    with running_worker():
        through_worker(rows)  # the worker's first task warms it, as the first export after a deploy does
        worker = statistics.median(through_worker(rows) for _ in range(RUNS))
    small, large = peak_memory(tenth), peak_memory(table)
    ratio, worker_ratio = ours / theirs, worker / theirs
    print(f"rows exported: {rows}")
    print(f"streamed CSV median {ours:.2f} s; COPY of the same query {theirs:.2f} s; ratio {ratio:.2f}")
    print(f"asked for to ready, through a real worker: median {worker:.2f} s; ratio to COPY {worker_ratio:.2f}")
    print(f"peak Python memory: {small / 1e6:.1f} MB for {rows // 10} rows, {large / 1e6:.1f} MB for {rows}")
    ok = ratio <= TARGET_RATIO and worker_ratio <= TARGET_RATIO and large < small * 1.5 + 1e6
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
