"""A real S3-compatible server for the tests: moto's standalone server, started once per test session."""

import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

ACCESS_KEY = "portal-test-key"
SECRET_KEY = "portal-test-secret"
REGION = "eu-west-2"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url, process, deadline=30):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 (a local test server)
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {deadline} s")


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint address of a running moto S3 server (in its own process, spoken to over HTTP)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/moto-api/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def s3_client(endpoint):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def s3_environment(endpoint, bucket):
    """The DJANGO_S3_* variables a deployment sets, for a subprocess using the bucket."""
    return {
        "DJANGO_S3_BUCKET": bucket,
        "DJANGO_S3_ENDPOINT_URL": endpoint,
        "DJANGO_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "DJANGO_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "DJANGO_S3_REGION": REGION,
    }


def new_bucket(endpoint):
    bucket = f"ea-portal-test-{uuid.uuid4().hex[:12]}"
    s3_client(endpoint).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    return bucket
