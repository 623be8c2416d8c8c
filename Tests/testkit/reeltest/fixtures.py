"""The fixtures every live suite gets (registered by the repository's
conftest.py through `pytest_plugins`): the test environment and its
database, hosts, protobuf messages, a fresh auth host, the S3 test server
and a real SMTP server. A suite's conftest.py adds its own and may override
any of these by name."""
from __future__ import annotations

import os

import pytest
import requests

from reeltest.auth import FAST_LOCKOUT, AuthAPI
from reeltest.host import protos, reel_env, shared_host, start_host  # noqa: F401 (pytest fixtures)
from reeltest.notify import MailServer
from reeltest.video import BUCKET

S3_ENDPOINT_VARIABLE = "REEL_TEST_S3_ENDPOINT"


@pytest.fixture
def fresh(reel_env, start_host):
    """`fresh(env={...}, plugins=("auth",), database_url=None)` -> an AuthAPI
    on a new host with a new, empty database (or `database_url`), lockouts
    shortened (FAST_LOCKOUT). Per-address counters are per database, and
    every test comes from 127.0.0.1."""
    created = []

    def make(env=None, plugins=("auth",), database_url=None, **kwargs) -> AuthAPI:
        url = database_url
        if url is None:
            name, url = reel_env.create_database()
            created.append(name)
        host = start_host(plugins=plugins, database_url=url, env={**FAST_LOCKOUT, **(env or {})}, **kwargs)
        return AuthAPI(host, reel_env, url)

    yield make
    for host in start_host.hosts:
        host.stop()
    for name in created:
        reel_env.drop_database(name)


@pytest.fixture
def fresh_database(reel_env, start_host) -> str:
    """A new, empty database for one test: its URL. When the test ends,
    every host it started with `start_host` stops first (a clean exit
    checked), then the database is dropped."""
    name, url = reel_env.create_database()
    try:
        yield url
    finally:
        try:
            start_host.stop_all()
        finally:
            reel_env.drop_database(name)


@pytest.fixture(scope="session")
def s3(reel_env):
    """The S3 test server (moto, started once by `tools/s3-test-server`, which
    `tools/dev test` and `tools/dev live` run; its URL in
    REEL_TEST_S3_ENDPOINT) with this session's bucket BUCKET:
    (endpoint URL, boto3 client)."""
    endpoint = os.environ.get(S3_ENDPOINT_VARIABLE)
    if not endpoint:
        pytest.fail(f"{S3_ENDPOINT_VARIABLE} is not set: run the live tests through `tools/dev live`, or "
                    f"`export {S3_ENDPOINT_VARIABLE}=$(tools/s3-test-server start)`")
    try:
        requests.get(endpoint, timeout=5)
    except requests.ConnectionError as error:
        pytest.fail(f"the S3 test server at {endpoint} does not answer ({error}); tools/s3-test-server status")
    boto3 = pytest.importorskip("boto3")
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for entry in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=entry["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture(scope="module")
def smtp() -> MailServer:
    """A real SMTP server (aiosmtpd) on loopback in this process, keeping what it receives."""
    server = MailServer()
    server.start()
    yield server
    server.stop()
