"""Broken and unusual inputs end as `ready` or `failed` with a reason, and
the host keeps serving. Files the upload probe already refuses (random
bytes, a cut MP4) are put straight into storage and queued over the bus, as
if the probe had missed them."""
import shutil
import uuid

import pytest

from reeltest.transcode import decode_errors, master_variants, probe


def queue_stored_file(platform, protos, path, name="clip.mp4") -> str:
    """A processing video whose stored source is `path`, queued directly."""
    video_id = str(uuid.uuid4())
    key = f"videos/{video_id}/source/{name}"
    target = platform.media_dir / key
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    platform.psql(f"""INSERT INTO video.videos (id, owner_id, title, state, source_key)
                      VALUES ('{video_id}', '{platform.creator.id}', 'Broken', 'processing', '{key}')""")
    request = protos.message("reel.transcoder.v1.EnqueueJobRequest")(
        video_id=video_id, source_key=key, owner_id=platform.creator.id, duration_seconds=4)
    status, message, _ = platform.bus_call(protos, "reel.transcoder.v1.TranscoderService/EnqueueJob", request)
    assert status == 0, message
    return video_id


@pytest.mark.parametrize("fixture", ["random_bytes", "truncated_mp4", "text_as_mp4", "empty"])
def test_unreadable_sources_fail_with_a_reason_and_are_not_retried(platform, media, protos, fixture):
    video_id = queue_stored_file(platform, protos, getattr(media, fixture)())
    video = platform.wait_state(video_id)
    job = platform.job(video_id)
    if video["state"] == "ready":
        # A cut file may still hold a playable beginning; then it must really play.
        assert fixture == "truncated_mp4", video
        assert decode_errors(platform.media_path(video["hlsUrl"])) == ""
    else:
        assert video["failureReason"] and video["failureReason"] != "transcoding failed", video
        assert job["state"] == "failed" and job["attempts"] == 1, job
        assert platform.stream_folders(video_id) == []
    platform.host.assert_healthy()


def test_an_audio_only_upload_becomes_an_audio_stream(platform, media):
    video_id = platform.upload_video(media.audio_only())
    video = platform.wait_state(video_id)
    assert video["state"] == "ready", video
    master = platform.media_path(video["hlsUrl"])
    variants = master_variants(master)
    assert len(variants) == 1 and variants[0][0]["CODECS"] == "mp4a.40.2" and "RESOLUTION" not in variants[0][0]
    assert {s["codec_type"] for s in probe(master)["streams"]} == {"audio"}
    assert decode_errors(master) == ""
    assert decode_errors(platform.media_path(video["dashUrl"])) == ""


def test_a_one_pixel_video_becomes_a_tiny_stream(platform, media):
    video_id = platform.upload_video(media.one_pixel())
    video = platform.wait_state(video_id)
    assert video["state"] == "ready", video
    variants = master_variants(platform.media_path(video["hlsUrl"]))
    assert [v[0]["RESOLUTION"] for v in variants] == ["2x2"]
    assert decode_errors(platform.media_path(video["hlsUrl"])) == ""


def test_a_missing_source_fails_the_job_with_a_reason(platform, protos):
    video_id = str(uuid.uuid4())
    key = f"videos/{video_id}/source/gone.mp4"
    platform.psql(f"""INSERT INTO video.videos (id, owner_id, title, state, source_key)
                      VALUES ('{video_id}', '{platform.creator.id}', 'Gone', 'processing', '{key}')""")
    request = protos.message("reel.transcoder.v1.EnqueueJobRequest")(video_id=video_id, source_key=key,
                                                                      owner_id=platform.creator.id)
    assert platform.bus_call(protos, "reel.transcoder.v1.TranscoderService/EnqueueJob", request)[0] == 0
    video = platform.wait_state(video_id)
    assert video["state"] == "failed" and "gone.mp4" in video["failureReason"], video


def test_enqueue_refuses_bad_requests_and_is_idempotent(platform, media, protos):
    call = lambda **fields: platform.bus_call(  # noqa: E731
        protos, "reel.transcoder.v1.TranscoderService/EnqueueJob",
        protos.message("reel.transcoder.v1.EnqueueJobRequest")(**fields))
    assert call(video_id="nope", source_key="videos/x/source/a.mp4")[0] == 3  # INVALID_ARGUMENT
    assert call(video_id=str(uuid.uuid4()), source_key="../../etc/passwd")[0] == 3
    video_id = platform.upload_video(media.clip(2))
    platform.wait_state(video_id)
    job = platform.job(video_id)
    status, _, body = call(video_id=video_id, source_key=f"videos/{video_id}/source/clip.mp4")
    assert status == 0
    assert protos.message("reel.transcoder.v1.EnqueueJobResponse").FromString(body).job_id == job["id"]
    assert platform.job(video_id)["state"] == "succeeded"
