"""The upload flow with REEL_STORAGE=s3 against a real S3-compatible server
(moto on loopback): the original lands in the bucket, deleting the video
empties its prefix, a refused file leaves nothing."""
import hashlib

import pytest

from reeltest.host import new_database
from reeltest.video import BUCKET, make_video_api, s3_env, tus_refusal


@pytest.fixture(scope="module")
def s3_video(reel_env, s3, tmp_path_factory):
    endpoint, _ = s3
    with new_database(reel_env, tmp_path_factory.mktemp("s3-video-host")) as (starter, url):
        yield make_video_api(starter, reel_env, url, env=s3_env(endpoint))


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
