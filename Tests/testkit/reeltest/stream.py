"""Helpers for the streaming-delivery live tests: stream folders written
straight into a host's media storage, signed media URLs made with the
instance's key (to forge expired ones), and HTTP checks of media answers."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import subprocess
import time

from reeltest.host import raw_get

ATTEMPT = "a1-test"


def stream_files(ended: bool = True) -> dict[str, bytes]:
    """A small stream folder: playlists that look real, random media bytes."""
    playlist = (b"#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:EVENT\n"
                b"#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:4.000,\nseg-00001.m4s\n#EXTINF:4.000,\nseg-00002.m4s\n")
    return {
        "master.m3u8": b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8\n",
        "360p/index.m3u8": playlist + (b"#EXT-X-ENDLIST\n" if ended else b""),
        "360p/init.mp4": os.urandom(1_000),
        "360p/seg-00001.m4s": os.urandom(300_000),
        "360p/seg-00002.m4s": os.urandom(200_000),
        "manifest.mpd": b"<?xml version=\"1.0\"?><MPD/>\n",
        "poster.jpg": b"\xff\xd8\xff\xe0" + os.urandom(2_000),
        "thumbs/thumb-01.jpg": b"\xff\xd8\xff\xe0" + os.urandom(1_000),
    }


def key(video_id: str, name: str, attempt: str = ATTEMPT) -> str:
    return f"videos/{video_id}/streams/{attempt}/{name}"


def write_stream(api, video_id: str, files: dict[str, bytes] | None = None, attempt: str = ATTEMPT) -> dict[str, bytes]:
    """Writes a stream folder into the host's local media storage and points
    the video at it (hls_key, dash_key, poster, thumbnails) with psql."""
    files = files if files is not None else stream_files()
    root = api.media_dir / "videos" / video_id / "streams" / attempt
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    point_at_stream(api, video_id, attempt)
    return files


def point_at_stream(api, video_id: str, attempt: str = ATTEMPT) -> None:
    api.psql(f"""UPDATE video.videos SET hls_key = '{key(video_id, "master.m3u8", attempt)}',
                 dash_key = '{key(video_id, "manifest.mpd", attempt)}', poster_key = '{key(video_id, "poster.jpg", attempt)}',
                 thumbnail_keys = ARRAY['{key(video_id, "thumbs/thumb-01.jpg", attempt)}'] WHERE id = '{video_id}'""")


def media_url(video_id: str, name: str, attempt: str = ATTEMPT) -> str:
    return "/media/" + key(video_id, name, attempt)


def signing_key(api) -> bytes:
    return base64.b64decode(api.psql("SELECT value FROM video.settings WHERE name = 'media_signing_key'"))


def signed_prefix(secret: bytes, video_id: str, expires: int) -> str:
    mac = hmac.new(secret, f"videos/{video_id}/{expires}".encode(), hashlib.sha256).digest()
    return f"/media/s/{expires}/{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}/"


def signed_url(secret: bytes, video_id: str, name: str, expires: int | None = None, attempt: str = ATTEMPT) -> str:
    expires = expires if expires is not None else int(time.time()) + 600
    return signed_prefix(secret, video_id, expires) + key(video_id, name, attempt)


def assert_json_error(response, status: int, code: str | None = None) -> dict:
    """A media refusal: the status and the API's JSON error shape."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    error = response.json()["error"]
    assert error["message"] and error["requestId"]
    if code:
        assert error["code"] == code, error
    return error


def assert_raw_refused(port: int, target: str, statuses=(400, 404)) -> None:
    """A request sent byte for byte (no client normalisation of ".." or escapes)."""
    response = raw_get(port, target)
    assert response.status in statuses, (target, response.status, response.body[:200])
    assert "error" in response.json(), (target, response.body[:200])


def ffmpeg_plays(url: str, *extra: str) -> str:
    """Decodes every stream of `url` (all HLS renditions with -map 0) over
    HTTP; returns ffmpeg's error output ("" when clean)."""
    out = subprocess.run(["ffmpeg", "-v", "error", *extra, "-i", url, "-map", "0", "-f", "null", "-"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stderr.strip()


def curl(*args: str) -> tuple[int, bytes, dict[str, str]]:
    """curl's status, body and (lower-cased) headers."""
    out = subprocess.run(["curl", "-sS", "-D", "/dev/stderr", "-o", "-", *args], capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stderr.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return int(lines[0].split(" ")[1]), out.stdout, headers
