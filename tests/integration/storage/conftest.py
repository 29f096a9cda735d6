"""A real S3-compatible server on 127.0.0.1 (moto in server mode), and settings that keep files in it."""

import socket
import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

REGION = "eu-west-2"
CREDENTIALS = {"aws_access_key_id": "leo-test", "aws_secret_access_key": "leo-test-secret"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **CREDENTIALS)


def storage_env(endpoint, bucket) -> dict:
    """The environment that points a process's settings at the bucket, as an operator would set it."""
    return {
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
    }


def new_bucket(endpoint) -> str:
    bucket = f"leo-test-{uuid.uuid4().hex[:12]}"
    s3_client(endpoint).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    return bucket


@pytest.fixture
def bucket(settings, s3_endpoint):
    """A new empty bucket that this test's files go to, through the same settings production reads."""
    name = new_bucket(s3_endpoint)
    settings.AWS_STORAGE_BUCKET_NAME = name
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_ACCESS_KEY_ID = CREDENTIALS["aws_access_key_id"]
    settings.AWS_SECRET_ACCESS_KEY = CREDENTIALS["aws_secret_access_key"]
    settings.AWS_S3_REGION_NAME = REGION
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    return name


def keys(endpoint, bucket) -> list[str]:
    return [item["Key"] for item in s3_client(endpoint).list_objects_v2(Bucket=bucket).get("Contents", [])]
