"""The upload flow with REEL_STORAGE=s3 against a real S3-compatible server
(moto on loopback): the original lands in the bucket, deleting the video
empties its prefix, a refused file leaves nothing."""
import hashlib
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests

from reelhost import HostStarter, free_port, wait_until
from videoclient import make_video_api, tus_refusal

BUCKET = "reel-media"


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    server = Path(__file__).resolve().parents[3] / ".venv" / "bin" / "moto_server"
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


@pytest.fixture(scope="module")
def s3_video(reel_env, s3, tmp_path_factory):
    endpoint, _ = s3
    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("s3-video-host"))
    try:
        yield make_video_api(starter, reel_env, url, env={
            "REEL_STORAGE": "s3", "REEL_S3_ENDPOINT": endpoint, "REEL_S3_BUCKET": BUCKET, "REEL_S3_REGION": "us-east-1",
            "REEL_S3_ACCESS_KEY": "test", "REEL_S3_SECRET_KEY": "test"})
    finally:
        starter.stop_all()
        reel_env.drop_database(name)


def keys(client, prefix=""):
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", []))


def test_upload_to_s3_and_delete(s3, s3_video, media):
    _, client = s3
    clip = media.clip(2)
    uploader = s3_video.upload(s3_video.creator, clip, metadata={"filename": "on s3.mp4"})
    video_id = uploader.request.response_headers["reel-video-id"]
    key = f"videos/{video_id}/source/on_s3.mp4"
    assert keys(client, f"videos/{video_id}/") == [key]
    body = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(clip.read_bytes()).hexdigest()
    assert not (s3_video.media_dir / "videos").exists()  # nothing on local disk
    assert list(s3_video.uploads_dir.iterdir()) == []
    assert s3_video.delete_video(s3_video.creator, video_id).status_code == 204
    assert keys(client, f"videos/{video_id}/") == []


def test_refused_upload_leaves_the_bucket_alone(s3, s3_video, media):
    _, client = s3
    before = keys(client)
    status, body = tus_refusal(s3_video, s3_video.creator, media.truncated_mp4())
    assert status == 422 and "truncated" in body["error"]["message"]
    assert keys(client) == before
    assert list(s3_video.uploads_dir.iterdir()) == []
