# The video plugin's live tests: real hosts with the auth and video plugins,
# using the host fixtures of Tests/live/reelhost.py and the auth client of
# Plugins/auth/tests.
import subprocess
import sys
from pathlib import Path

_repo = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(_repo / "Tests" / "live"))
sys.path.insert(0, str(_repo / "Plugins" / "auth" / "tests"))

import pytest  # noqa: E402

import requests  # noqa: E402

from reelhost import HostStarter, free_port, protos, reel_env, start_host, wait_until  # noqa: E402,F401 (pytest fixtures)
from videoclient import BUCKET, Fixtures, VideoAPI, make_video_api  # noqa: E402


@pytest.fixture(scope="session")
def media(tmp_path_factory) -> Fixtures:
    """Media files made with the ffmpeg CLI (tests only; the product never runs it)."""
    return Fixtures(tmp_path_factory.mktemp("media-fixtures"))


@pytest.fixture(scope="module")
def video(reel_env, tmp_path_factory) -> VideoAPI:
    """One host with auth + video on a database of its own, with an admin,
    a creator and a viewer signed in."""
    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("video-host"))
    try:
        yield make_video_api(starter, reel_env, url, env={"REEL_MAX_UPLOAD_BYTES": str(1 << 30)})
    finally:
        starter.stop_all()
        reel_env.drop_database(name)



@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """A real S3-compatible server (moto) on loopback with the bucket
    BUCKET: (endpoint URL, boto3 client)."""
    server = _repo / ".venv" / "bin" / "moto_server"
    if not server.exists():
        pytest.skip("moto_server is not installed (tools/dev test installs tools/requirements-test.txt)")
    boto3 = pytest.importorskip("boto3")
    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "wb")
    process = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        def up():
            try:
                return requests.get(endpoint, timeout=1).status_code < 500
            except requests.ConnectionError:
                return False
        wait_until(up, timeout=30, what="moto_server")
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
