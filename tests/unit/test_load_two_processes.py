"""The load test's two-process mode: its own S3 server and bucket, the check that no process kept files of its own,
and the figures of both modes side by side (bench/load/run.py, bench/load/two_processes.py)."""

import os

from bench.load import two_processes
from bench.load.run import Processes, comparison_table, free_port


def test_the_run_starts_its_own_s3_server_and_counts_what_the_bucket_holds(tmp_path):
    processes = Processes()
    try:
        storage = two_processes.start_s3(processes, tmp_path, free_port(), dict(os.environ))
        assert storage["AWS_S3_ENDPOINT_URL"].startswith("http://127.0.0.1:")
        assert two_processes.bucket_keys(storage) == 0
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=storage["AWS_S3_ENDPOINT_URL"],
            region_name=storage["AWS_S3_REGION_NAME"],
            aws_access_key_id=storage["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=storage["AWS_SECRET_ACCESS_KEY"],
        )
        client.put_object(Bucket=storage["AWS_STORAGE_BUCKET_NAME"], Key="forms/a.xlsx", Body=b"x")
        assert two_processes.bucket_keys(storage) == 1
    finally:
        processes.stop_all()
    assert not processes.running


def test_files_a_process_keeps_in_its_own_folder_are_found_and_its_logs_are_not(tmp_path):
    env = {"PATH": "/usr/bin"}
    for name in (*two_processes.WEB, *two_processes.WORKERS):
        own = two_processes.own_environment(env, tmp_path, name)
        assert own["MEDIA_ROOT"] == str(tmp_path / name / "media")
        (tmp_path / f"{name}.log").write_text("started")  # beside the folder, as run.py writes it
    assert two_processes.files_kept(tmp_path) == []
    (tmp_path / "worker-b" / "media" / "variable-request-forms").mkdir(parents=True)
    (tmp_path / "worker-b" / "media" / "variable-request-forms" / "v1.xlsx").write_bytes(b"kept")
    assert two_processes.files_kept(tmp_path) == ["worker-b/media/variable-request-forms/v1.xlsx"]


def _figures(rps: float, p95: float, worker_p95: float) -> dict:
    page = {"requests": 10, "rps": rps, "median_ms": p95 / 2, "p95_ms": p95, "failures": 0}
    return {
        "summary": {"pages": {"queue page": page}, "groups": {"main pages": page}, "total": page},
        "server_ms": {"queue page": {"p95_ms": worker_p95}, "main pages": {"p95_ms": worker_p95}},
    }


def test_the_comparison_puts_both_modes_on_each_page_s_row():
    lines = comparison_table(_figures(3.5, 120, 40), _figures(3.25, 180, 55))
    (queue,) = [line for line in lines if line.startswith("queue page")]
    assert queue.split()[2:] == ["3.50", "120", "40", "3.25", "180", "55"]
    assert any(line.startswith("all requests") for line in lines)
