"""Durability and scale-out: a host killed with SIGKILL mid-transcode gives
its job to the next worker (after the lease) and nothing is left
half-published; a second host in worker mode (`--plugins transcoder` only,
same database and storage) takes jobs in parallel."""
import signal

from reeltest.transcode import TEST_ENV
from reeltest.host import new_database, wait_until
from reeltest.transcode import storage_key, Platform, decode_errors, make_platform


def test_kill_9_mid_transcode_then_restart_completes_the_job(reel_env, tmp_path, media):
    with new_database(reel_env, tmp_path) as (starter, url):
        platform = make_platform(starter, reel_env, url, env=TEST_ENV, fixtures=())
        video_id = platform.upload_video(media.movie(40, "1280x720"))
        # Wait until the stream is live: segments of the first attempt are in storage.
        wait_until(lambda: platform.get_video(video_id, platform.admin).json().get("hlsUrl"), timeout=180,
                   interval=0.2, what="the first attempt to publish segments")
        first = platform.stream_folders(video_id)
        assert len(first) == 1
        platform.host.process.send_signal(signal.SIGKILL)
        platform.host.wait_exit()
        platform.host.terminated = True  # killed on purpose: not a crash to report

        platform.host.start()
        video = platform.wait_state(video_id, timeout=300)
        assert video["state"] == "ready", video
        job = platform.job(video_id)
        assert job["state"] == "succeeded" and job["attempts"] == 2, job
        # The dead attempt's folder is gone; only the published stream remains.
        wait_until(lambda: len(platform.stream_folders(video_id)) == 1, timeout=30,
                   what="the dead attempt's output to be removed")
        assert platform.stream_folders(video_id) != first
        assert decode_errors(platform.media_path(video["hlsUrl"])) == ""


def test_a_worker_host_takes_jobs_in_parallel(reel_env, tmp_path, media):
    shared_media = tmp_path / "shared-media"
    env = {**TEST_ENV, "REEL_MEDIA_DIR": str(shared_media), "REEL_TRANSCODER_MAX_JOBS": "1"}
    with new_database(reel_env, tmp_path) as (starter, url):
        platform: Platform = make_platform(starter, reel_env, url, env={**env, "REEL_TRANSCODER_WORKER_NAME": "api-host"},
                                           fixtures=())
        worker = starter(plugins=("transcoder",), database_url=url,
                         env={**env, "REEL_TRANSCODER_WORKER_NAME": "worker-host"})
        assert set(worker.plugins()) == {"transcoder"}
        platform.media_root = shared_media
        videos = [platform.upload_video(media.movie(20, "1280x720")) for _ in range(2)]

        def both_running():
            jobs = [platform.job_if_queued(v) for v in videos]
            return jobs if all(j.get("state") == "running" for j in jobs) else None
        jobs = wait_until(both_running, timeout=120, interval=0.1, what="both jobs running at once")
        assert {j["worker"] for j in jobs} == {"api-host", "worker-host"}
        for video_id in videos:
            video = platform.wait_state(video_id, timeout=300)
            assert video["state"] == "ready", video
            assert decode_errors(shared_media / storage_key(video["hlsUrl"])) == ""
        # The worker host has no video plugin: its result reached the video
        # through the API host's reporter (the video is ready, checked above).
        assert "reel.video.v1.VideoService" not in worker.log_text()
