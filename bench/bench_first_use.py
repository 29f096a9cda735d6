"""The first request of a web process and the first signed declaration of a worker process, against the steady
state of the same process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leo_bench_first .venv/bin/python bench/bench_first_use.py

Each measurement runs in a fresh Python process, once as the service starts its processes (the WSGI module warms
the web process; Celery's worker start warms the worker: `leo_access.warmup`) and once without warming, for
comparison. Target: with warming, the first costs at most twice the steady state (median of the next ten).
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 2.0
STEADY_RUNS = 10


def child(kind: str, warmed: bool):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leo_access.settings.test")
    if kind == "web":
        # As gunicorn does: the WSGI application object, which warms the web process when its module loads.
        if warmed:
            from leo_access.wsgi import application
        else:
            from django.core.wsgi import get_wsgi_application

            application = get_wsgi_application()
        from wsgiref.util import setup_testing_defaults

        def work():
            environ = {"HTTP_HOST": "localhost", "PATH_INFO": "/", "wsgi.url_scheme": "https"}
            setup_testing_defaults(environ)
            statuses = []
            body = application(environ, lambda status, headers: statuses.append(status))
            b"".join(body)
            assert statuses[0].startswith("200"), statuses

    else:
        import django

        django.setup()
        from leo_access import warmup

        if warmed:
            warmup.warm(warmup.WORKER)  # what leo_access.celery does when a worker process starts
        from declarations.warmup import signed_declaration as work
    times = []
    for _ in range(1 + STEADY_RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    print(json.dumps({"first": times[0], "steady": statistics.median(times[1:])}))


def measure(kind: str, warmed: bool) -> dict:
    command = [sys.executable, __file__, "--child", kind, "warm" if warmed else "cold"]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leo_bench_first")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        check=True,
        cwd=ROOT,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "leo_access.settings.test"},
    )
    ok = True
    for kind, what in (("web", "first request (the start page)"), ("worker", "first signed declaration")):
        for warmed in (True, False):
            figures = measure(kind, warmed)
            ratio = figures["first"] / figures["steady"]
            label = "warmed at start" if warmed else "not warmed (for comparison)"
            print(
                f"{kind} {what}, {label}: first {figures['first'] * 1000:.0f} ms, "
                f"steady {figures['steady'] * 1000:.0f} ms, ratio {ratio:.2f}"
            )
            if warmed:
                ok = ok and ratio <= TARGET_RATIO
    print(f"target: warmed ratio at most {TARGET_RATIO}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3] == "warm")
    else:
        sys.exit(main())
