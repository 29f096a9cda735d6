"""The load test's two-process mode (`run.py --processes 2`): two web processes and two workers, each started in
an empty folder of its own with a MEDIA_ROOT of its own inside it, sharing nothing on disk. They share only what
separate machines would: the PostgreSQL database, the Redis database and an S3-compatible bucket, here a moto
server on 127.0.0.1 (as the tests in tests/integration/storage/ start it).

Every simulated person's requests go to the two web processes in turn (see the locustfile), so a session begun on
one is used on the other, an upload taken in by one is checked by either worker and its result read through
either web process. Afterwards the folders are checked to hold nothing but the processes' logs.
"""

import secrets
import sys
import time
from pathlib import Path

REGION = "eu-west-2"
WEB, WORKERS = ("web-a", "web-b"), ("worker-a", "worker-b")


def start_s3(processes, run_dir: Path, port: int, env: dict) -> dict:
    """A moto S3 server of the run's own and an empty bucket in it; the settings that point the service at it."""
    import boto3

    processes.start(
        "s3",
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env,
        run_dir / "s3.log",
    )
    endpoint = f"http://127.0.0.1:{port}"
    settings = {
        "AWS_STORAGE_BUCKET_NAME": f"leo-load-{secrets.token_hex(4)}",
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "leo-load",
        "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(20),
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=settings["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=settings["AWS_SECRET_ACCESS_KEY"],
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            client.create_bucket(
                Bucket=settings["AWS_STORAGE_BUCKET_NAME"], CreateBucketConfiguration={"LocationConstraint": REGION}
            )
            return settings
        except Exception:
            if not processes.alive("s3") or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def folder_of(run_dir: Path, name: str) -> Path:
    return run_dir / name


def own_environment(env: dict, run_dir: Path, name: str) -> dict:
    """The shared environment, with a MEDIA_ROOT inside the process's own folder (which stays empty)."""
    folder = folder_of(run_dir, name)
    folder.mkdir(parents=True, exist_ok=True)
    return env | {"MEDIA_ROOT": str(folder / "media")}


def files_kept(run_dir: Path) -> list[str]:
    """Files any of the four processes left in its own folder; its log and access log are the run's, not its."""
    kept = []
    for name in (*WEB, *WORKERS):
        folder = folder_of(run_dir, name)
        kept += [str(path.relative_to(run_dir)) for path in folder.rglob("*") if path.is_file()]
    return kept


def bucket_keys(settings: dict) -> int:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=settings["AWS_S3_ENDPOINT_URL"],
        region_name=REGION,
        aws_access_key_id=settings["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=settings["AWS_SECRET_ACCESS_KEY"],
    )
    paginator = client.get_paginator("list_objects_v2")
    return sum(page.get("KeyCount", 0) for page in paginator.paginate(Bucket=settings["AWS_STORAGE_BUCKET_NAME"]))
