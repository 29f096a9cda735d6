"""The check an applicant waits for: uploading the real example form until its findings are stored.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leo_bench_upload .venv/bin/python bench/bench_vrf_upload.py

The path users take: the upload service stores the file and queues its check; a real Celery worker
(`bench/worker.py`) reads it from storage, validates it against the catalogue in the database and stores the
findings. Timed from the upload to the stored result, interleaved with python-calamine reading every cell of
every sheet of the same file (the reference of `bench_vrf_validation.py`), after one upload to warm the worker.
Needs the real example form (outside the repository); without it the benchmark says so and exits 0.
Target: at most 1.5 times the calamine read for the worker's own check (start to result, as the worker
records it), and reported beside it the whole wait including the broker and the upload.
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
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leo_bench_upload")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")

import django  # noqa: E402

django.setup()

from bench_vrf_validation import REAL_FORM, read_all_with_calamine  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from worker import running_worker, wait_for  # noqa: E402

from applications import services  # noqa: E402
from applications.models import VariableRequestForm  # noqa: E402
from leo_access.models import User  # noqa: E402

TARGET_RATIO = 1.5
CHECKED = [VariableRequestForm.Validation.PASSED, VariableRequestForm.Validation.FAILED]


def upload_and_wait(application_id, researcher, data: bytes) -> tuple[float, float]:
    """Seconds from the upload to the stored findings, and the worker's own part (its start to its result)."""
    uploaded = SimpleUploadedFile(REAL_FORM.name, data, content_type="application/vnd.ms-excel")
    started = time.perf_counter()
    form = services.upload_variable_request_form(application_id=application_id, by=researcher, uploaded=uploaded)
    wait_for(VariableRequestForm.objects.filter(pk=form.pk, validation_status__in=CHECKED).exists, every=0.002)
    waited = time.perf_counter() - started
    form.refresh_from_db()
    return waited, (form.validated_at - form.validation_started_at).total_seconds()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    if not REAL_FORM.exists():
        print(f"SKIPPED: the real example form is not available at {REAL_FORM}")
        return 0
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    researcher = User.objects.get(email="researcher@example.com")
    application = services.create_application(title="Upload benchmark", by=researcher)
    data = REAL_FORM.read_bytes()
    waits, checks, reads = [], [], []
    with running_worker():
        upload_and_wait(application.pk, researcher, data)  # the worker's first check, as after a deploy
        read_all_with_calamine(data)
        for _ in range(options.runs):
            waited, checked = upload_and_wait(application.pk, researcher, data)
            waits.append(waited)
            checks.append(checked)
            started = time.perf_counter()
            read_all_with_calamine(data)
            reads.append(time.perf_counter() - started)
    read, wait, check = (statistics.median(values) for values in (reads, waits, checks))
    print(f"File: {REAL_FORM.name} ({len(data) / 1024:.0f} KB), {options.runs} uploads")
    print(f"  python-calamine, every cell of every sheet: {read * 1000:8.1f} ms")
    print(f"  the worker's check (start to stored result): {check * 1000:8.1f} ms  ({check / read:.2f}x)")
    print(f"  upload to stored result, through the broker: {wait * 1000:8.1f} ms  ({wait / read:.2f}x)")
    ok = check / read <= TARGET_RATIO
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
