"""Whole uploads with the third-party tus client (tuspy): a real video
becomes a video in state processing with its transcode job queued; files
that are not playable are refused with the probe's reason and leave nothing
behind; a 200 MB upload survives interruptions with bounded memory."""
import time

from reeltest.host import wait_until
from reeltest.video import UPLOADS, VIDEO, sha256, tus_refusal


def video_id_of(uploader) -> str:
    return uploader.request.response_headers["reel-video-id"]


def test_a_real_video_becomes_a_processing_video(video, media):
    clip = media.clip(2)
    before = video.stored_videos()
    uploader = video.upload(video.creator, clip, metadata={"filename": "Clip One.mp4", "title": "  My first clip "},
                            chunk_size=64 * 1024)
    video_id = video_id_of(uploader)
    upload_id = uploader.url.rsplit("/", 1)[1]
    assert video.stored_videos() - before == {video_id}
    stored = video.media_dir / "videos" / video_id / "source" / "Clip_One.mp4"
    assert sha256(stored) == sha256(clip)
    assert video.upload_files(upload_id) == []  # the partial bytes moved into storage

    response = video.get_video(video_id, video.creator)
    assert response.status_code == 200, response.text
    v = response.json()
    assert v["id"] == video_id and v["ownerId"] == video.creator.id
    assert v["title"] == "My first clip" and v["description"] == "" and v["tags"] == []
    assert v["state"] == "processing" and v["progress"] == 0 and v["visibility"] == "public"
    assert abs(v["durationSeconds"] - 2.0) < 0.2, v
    assert (v["width"], v["height"]) == (320, 240)
    assert v["posterUrl"] is None and v["hlsUrl"] is None and v["dashUrl"] is None
    assert v["failureReason"] is None and v["publishedAt"] is None and v["views"] == 0
    # Not ready: only its owner (and admins) see it.
    assert video.get_video(video_id).status_code == 404
    assert video.get_video(video_id, video.viewer).status_code == 404
    assert video.get_video(video_id, video.admin).status_code == 200
    assert video_id in [item["id"] for item in video.my_videos(video.creator).json()["items"]]

    # The upload is done: HEAD and a repeated final PATCH answer as the last PATCH did.
    head = video.head(video.creator, upload_id)
    assert head.status_code == 200 and head.headers["Upload-Offset"] == str(clip.stat().st_size)
    assert head.headers["Reel-Video-Id"] == video_id
    again = video.patch(video.creator, upload_id, clip.stat().st_size, b"")
    assert again.status_code == 204 and again.headers["Reel-Video-Id"] == video_id
    assert video.psql(f"SELECT video_id FROM video.uploads WHERE id = '{upload_id}'") == video_id

    # The transcode job is in the outbox, written with the video; with no
    # transcoder loaded the bus answers UNIMPLEMENTED and it stays pending.
    def attempted():
        row = video.psql(f"SELECT source_key, attempts > 0, delivered_at IS NULL, last_error "
                         f"FROM video.transcode_outbox WHERE video_id = '{video_id}'")
        return row if row.split("|")[1:3] == ["t", "t"] and row.split("|")[3] else None
    row = wait_until(attempted, timeout=15, what="a delivery attempt of the transcode job")
    assert row.startswith(f"videos/{video_id}/source/Clip_One.mp4|"), row
    assert row.split("|")[3].startswith("12:"), row  # UNIMPLEMENTED
    log = video.host.wait_for_log(lambda e: "upload" in str(e.get("msg", "")) and video_id in str(e.get("msg", "")))
    assert "complete" in log["msg"], log


def test_a_finished_upload_is_moved_into_storage_not_copied(video, media):
    """The partial file itself becomes the stored source (same inode: no
    byte is written twice), readable like every stored object."""
    clip = media.clip(2)
    data = clip.read_bytes()
    upload_id = video.created_id(video.creator, len(data), name="moved.mp4")
    first = video.patch(video.creator, upload_id, 0, data[:-1000])
    assert first.status_code == 204, first.text
    partial = (video.uploads_dir / upload_id).stat()
    last = video.patch(video.creator, upload_id, len(data) - 1000, data[-1000:])
    assert last.status_code == 204, last.text
    stored = video.media_dir / "videos" / last.headers["Reel-Video-Id"] / "source" / "moved.mp4"
    assert stored.stat().st_ino == partial.st_ino and stored.stat().st_dev == partial.st_dev
    assert stored.stat().st_nlink == 1 and oct(stored.stat().st_mode & 0o777) == oct(0o644)
    assert sha256(stored) == sha256(clip)
    assert video.upload_files(upload_id) == []


def test_the_binary_protocol_reaches_the_same_methods(video, media, protos):
    import requests
    uploader = video.upload(video.creator, media.clip(2), metadata={"filename": "rpc.mp4"})
    video_id = video_id_of(uploader)
    request = protos.message("reel.video.v1.GetVideoRequest")(id=video_id)
    response = requests.post(video.host.url(f"/rpc/{VIDEO}/GetVideo"), data=request.SerializeToString(),
                             headers={"Content-Type": "application/proto", **video.creator.bearer}, timeout=30)
    assert response.status_code == 200, response.text
    message = protos.message("reel.video.v1.Video").FromString(response.content)
    assert message.id == video_id and message.state == "processing" and message.title == "rpc"
    assert not message.HasField("hls_url")
    internal = requests.post(video.host.url(f"/rpc/{VIDEO}/MarkReady"), data=b"",
                             headers={"Content-Type": "application/proto", **video.admin.bearer}, timeout=30)
    assert internal.status_code in (403, 404), internal.text  # internal methods are bus-only


def refused(video, media, path, reason_words):
    before_files, before_videos = video.host_files(), video.psql("SELECT count(*) FROM video.videos")
    before_uploads = video.psql("SELECT count(*) FROM video.uploads")
    status, body = tus_refusal(video, video.creator, path)
    assert status == 422, body
    assert body["error"]["code"] == "invalid_argument"
    message = body["error"]["message"]
    assert any(word in message for word in reason_words), message
    # Nothing left behind: no partial bytes, no stored object, no rows.
    assert video.host_files() == before_files
    assert video.psql("SELECT count(*) FROM video.videos") == before_videos
    assert video.psql("SELECT count(*) FROM video.uploads") == before_uploads
    return message


def test_text_renamed_mp4_is_refused(video, media):
    refused(video, media, media.text_as_mp4(), ["not a video", "format could not be detected"])


def test_truncated_mp4_is_refused(video, media):
    refused(video, media, media.truncated_mp4(), ["truncated", "damaged"])


def test_zero_byte_upload_is_refused(video, media):
    refused(video, media, media.empty(), ["empty"])


def vm_kb(pid: int, field: str) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def test_large_upload_interrupted_twice_then_resumed(video, media):
    """≈200 MB: tuspy stops after some chunks, a raw PATCH is cut off
    mid-body, and a new tuspy client resumes from the server's offset. The
    stored bytes hash like the original, and the host's memory stays far
    below the file's size."""
    from tusclient import client as tus_client

    large = media.large()
    size = large.stat().st_size
    assert size > 190_000_000
    pid = video.host.process.pid
    rss_before = vm_kb(pid, "VmRSS")
    hwm_before = vm_kb(pid, "VmHWM")
    chunk = 8 << 20

    # 1. The first client uploads some chunks, then stops.
    first = video.tus(video.creator).uploader(file_path=str(large), chunk_size=chunk, metadata={"filename": "large.avi"})
    first.upload(stop_at=9 * chunk)
    url = first.url
    upload_id = url.rsplit("/", 1)[1]
    offset = int(video.head(video.creator, upload_id).headers["Upload-Offset"])
    assert offset == 9 * chunk

    # 2. A PATCH that dies mid-body: the bytes that arrived are kept.
    sock = video.open_patch(video.creator, upload_id, offset, size - offset)
    with open(large, "rb") as f:
        f.seek(offset)
        sock.sendall(f.read(20 << 20))
    time.sleep(0.5)
    sock.close()
    def settled():  # the server has seen the end of the cut-off request
        first_look = int(video.head(video.creator, upload_id).headers["Upload-Offset"])
        time.sleep(0.3)
        return first_look > offset and first_look == int(video.head(video.creator, upload_id).headers["Upload-Offset"])
    wait_until(settled, timeout=20, what="the cut-off PATCH to be written")
    cut = int(video.head(video.creator, upload_id).headers["Upload-Offset"])
    assert offset < cut <= offset + (20 << 20)

    # 3. A new client (same URL) asks the server for the offset and finishes.
    # (Retries: should the server still hold the cut-off request, it answers
    # 423 and tuspy asks for the offset again.)
    second = tus_client.TusClient(video.host.url(UPLOADS), headers=video.creator.bearer).uploader(
        file_path=str(large), url=url, chunk_size=chunk, retries=3, retry_delay=1)
    assert second.offset == cut
    second.upload()
    video_id = second.request.response_headers["reel-video-id"]

    stored = video.media_dir / "videos" / video_id / "source" / "large.avi"
    assert stored.stat().st_size == size
    assert sha256(stored) == sha256(large)
    hwm_after = vm_kb(pid, "VmHWM")
    print(f"\nhost memory: VmRSS {rss_before / 1024:.0f} MB before, VmHWM {hwm_before / 1024:.0f} -> "
          f"{hwm_after / 1024:.0f} MB (peak) around a {size / 1e6:.0f} MB upload")
    assert (hwm_after - rss_before) * 1024 < 150_000_000, (rss_before, hwm_after)
    v = video.get_video(video_id, video.creator).json()
    assert v["state"] == "processing" and abs(v["durationSeconds"] - 18) < 0.5 and v["title"] == "large"
