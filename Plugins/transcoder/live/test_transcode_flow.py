"""An upload becomes an adaptive stream: CMAF HLS + DASH that ffmpeg reads
end to end, aligned renditions, progress on the video and on the bus,
progressive publishing, and the admin's view of the queue."""
import re

from reeltest.host import wait_until
from reeltest.transcode import storage_key, decode_errors, master_variants, media_playlist, probe


def test_an_upload_becomes_a_playable_adaptive_stream(platform, media):
    source = media.movie(12, "854x480")
    video_id = platform.upload_video(source)
    video = platform.wait_state(video_id)
    assert video["state"] == "ready", video
    assert video["progress"] == 100 and video["rungsTotal"] == video["rungsDone"] == 2  # 480p and 360p, no upscale
    source_duration = float(probe(source)["format"]["duration"])

    master = platform.media_path(video["hlsUrl"])
    variants = master_variants(master)
    assert [v[1] for v in variants] == ["480p/index.m3u8", "360p/index.m3u8"]
    playlists = []
    for attributes, uri in variants:
        assert int(attributes["BANDWIDTH"]) > 0
        assert re.fullmatch(r"\d+x\d+", attributes["RESOLUTION"])
        assert attributes["CODECS"].startswith("avc1.") and "mp4a.40.2" in attributes["CODECS"]
        playlist = media_playlist(master.parent / uri)
        assert playlist.ended, f"{uri} has no #EXT-X-ENDLIST"
        assert all(d <= 4.5 for d in playlist.durations), playlist.durations
        assert abs(sum(playlist.durations) - source_duration) < 4, (sum(playlist.durations), source_duration)
        playlists.append(playlist)
        assert attributes["AUDIO"] == "aac"
        rendition = probe(master.parent / uri)
        assert {s["codec_name"] for s in rendition["streams"]} == {"h264"}  # CMAF: one track per rendition
    # Segment boundaries line up across renditions.
    assert len({tuple(round(d, 1) for d in p.durations) for p in playlists}) == 1
    # One audio rendition, shared by every variant.
    assert 'TYPE=AUDIO,GROUP-ID="aac"' in master.read_text()
    audio = media_playlist(master.parent / "audio" / "index.m3u8")
    assert audio.ended and abs(sum(audio.durations) - source_duration) < 4
    assert {s["codec_name"] for s in probe(master)["streams"]} == {"h264", "aac"}
    assert decode_errors(master) == ""

    # DASH over the same segments.
    dash = platform.media_path(video["dashUrl"])
    assert dash.parent == master.parent
    dash_info = probe(dash)
    assert abs(float(dash_info["format"]["duration"]) - source_duration) < 4
    assert decode_errors(dash) == ""

    # Poster and thumbnails are JPEGs in storage.
    assert platform.media_path(video["posterUrl"]).read_bytes()[:2] == b"\xff\xd8"
    assert len(video["thumbnailUrls"]) >= 2
    for url in video["thumbnailUrls"]:
        assert platform.media_path(url).read_bytes()[:2] == b"\xff\xd8"
    # One published stream, nothing left of work in progress.
    assert len(platform.stream_folders(video_id)) == 1
    assert not any((platform.host.data_dir / "transcode").iterdir())

    job = platform.job(video_id)
    assert job["state"] == "succeeded" and job["attempts"] == 1 and job["progress"] == 100
    assert job["hlsKey"] == storage_key(video["hlsUrl"])


def test_a_1080p_source_gets_the_whole_ladder_without_upscaling(platform, media):
    video_id = platform.upload_video(media.movie(5, "1920x1080"))
    video = platform.wait_state(video_id, timeout=300)
    assert video["state"] == "ready", video
    variants = master_variants(platform.media_path(video["hlsUrl"]))
    assert [v[0]["RESOLUTION"] for v in variants] == ["1920x1080", "1280x720", "854x480", "640x360"]
    bandwidths = [int(v[0]["BANDWIDTH"]) for v in variants]
    assert bandwidths == sorted(bandwidths, reverse=True)


def test_progress_is_visible_and_the_stream_plays_before_the_transcode_ends(platform, media, protos):
    video_id = platform.upload_video(media.movie(40, "1280x720"))
    seen = {}

    def progressive():
        video = platform.get_video(video_id, platform.creator).json()
        if video["state"] != "processing":
            raise AssertionError(f"the video finished before it was seen playable mid-way: {video}")
        if video.get("hlsUrl") and 0 < video["progress"] < 100:
            master = platform.media_path(video["hlsUrl"])
            first = master_variants(master)[0][1]
            playlist = media_playlist(master.parent / first)
            if playlist.segments and not playlist.ended:
                seen.update(video=video, playlist=playlist, master=master, uri=first)
                return True
        return None

    wait_until(progressive, timeout=180, interval=0.2, what="a playable stream while processing")
    assert seen["playlist"].kind == "EVENT"
    assert seen["video"]["rungsTotal"] >= 2
    # Every segment the growing playlist lists is already there.
    for name in seen["playlist"].segments:
        assert (seen["master"].parent / seen["uri"]).parent.joinpath(name).stat().st_size > 0
    video = platform.wait_state(video_id, timeout=300)
    assert video["state"] == "ready"
    final = media_playlist(platform.media_path(video["hlsUrl"]).parent / seen["uri"])
    assert final.ended and len(final.segments) > len(seen["playlist"].segments)

    listed = platform.host.get("/test/events").json()["events"]
    progress = [protos.message("reel.video.v1.VideoProgress").FromString(bytes.fromhex(e["payload"]))
                for e in listed if e["topic"] == "video.progress"]
    mine = [p for p in progress if p.video_id == video_id]
    assert len({p.progress for p in mine}) >= 3, [p.progress for p in mine]
    assert any(p.hls_key for p in mine)


def test_job_routes_are_for_admins_and_answer_clear_errors(platform, media):
    video_id = platform.upload_video(media.clip(2))
    platform.wait_state(video_id)
    assert platform.host.get(f"/api/v1/transcoder/jobs/{video_id}").status_code == 401
    forbidden = platform.host.get(f"/api/v1/transcoder/jobs/{video_id}", headers=platform.creator.bearer)
    assert forbidden.status_code == 403 and "error" in forbidden.json()
    missing = platform.host.get("/api/v1/transcoder/jobs/00000000-0000-4000-8000-000000000000", headers=platform.admin.bearer)
    assert missing.status_code == 404 and "error" in missing.json()
    bad = platform.host.get("/api/v1/transcoder/jobs/not-a-uuid", headers=platform.admin.bearer)
    assert bad.status_code == 400
    listed = platform.host.get("/api/v1/transcoder/jobs?state=succeeded&limit=100", headers=platform.admin.bearer).json()
    assert video_id in [job["videoId"] for job in listed["items"]]
    assert platform.host.get("/api/v1/transcoder/jobs?state=bogus", headers=platform.admin.bearer).status_code == 400


def test_deleting_a_video_mid_transcode_cancels_its_job_and_leaves_no_files(platform, media):
    video_id = platform.upload_video(media.movie(40, "1280x720"))
    def under_way():
        job = platform.job_if_queued(video_id)
        return job.get("state") == "running" and job.get("progress", 0) > 2
    wait_until(under_way, timeout=120, interval=0.2, what="the transcode to be under way")
    assert platform.delete_video(platform.creator, video_id).status_code == 204
    wait_until(lambda: platform.job(video_id)["state"] == "cancelled", timeout=30, what="the job to be cancelled")
    folder = platform.media_dir / "videos" / video_id
    wait_until(lambda: not folder.exists() or not any(p.is_file() for p in folder.rglob("*")), timeout=30,
               what="the cancelled attempt's files to be gone")
    wait_until(lambda: not any((platform.host.data_dir / "transcode").iterdir()), timeout=30,
               what="the work folder to be removed")
    platform.host.assert_healthy()
