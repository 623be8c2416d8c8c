"""Streaming delivery over real HTTP: a transcoded video's HLS renditions and
DASH manifest play with ffmpeg from the media routes; types, caching,
HEAD, ranges (RFC 9110) and conditional requests on the served files."""
import socket

import pytest
import requests

from reeltest.host import new_database, read_response
from reeltest.stream import assert_json_error, curl, ffmpeg_plays, media_url, write_stream
from reeltest.transcode import MediaFixtures, make_platform, master_variants

FAST = {"REEL_TRANSCODER_PRESET": "ultrafast", "REEL_TRANSCODER_POLL_SECONDS": "1", "REEL_VIDEO_OUTBOX_POLL_SECONDS": "1"}


@pytest.fixture(scope="module")
def platform(reel_env, tmp_path_factory):
    """auth + video + transcoder on a database of their own."""
    with new_database(reel_env, tmp_path_factory.mktemp("stream-host")) as (starter, url):
        yield make_platform(starter, reel_env, url, env=FAST, fixtures=())


@pytest.fixture(scope="module")
def transcoded(platform, tmp_path_factory) -> dict:
    """A public video transcoded for real: 480p and 360p, 12 s, with audio."""
    movies = MediaFixtures(tmp_path_factory.mktemp("stream-movies"))
    video_id = platform.upload_video(movies.movie(12, "854x480"))
    video = platform.wait_state(video_id, timeout=300)
    assert video["state"] == "ready", video
    return video


def test_every_rendition_plays_over_http(platform, transcoded):
    hls = transcoded["hlsUrl"]
    assert hls.startswith("/media/videos/") and "/streams/" in hls, hls
    assert ffmpeg_plays(platform.host.url(hls)) == ""
    variants = master_variants(platform.media_path(hls))
    assert len(variants) == 2
    base = hls.rsplit("/", 1)[0]
    for _, uri in variants:
        assert ffmpeg_plays(platform.host.url(f"{base}/{uri}")) == ""
    assert ffmpeg_plays(platform.host.url(transcoded["dashUrl"])) == ""


def test_types_and_caching_of_every_kind_of_file(platform, transcoded):
    hls = transcoded["hlsUrl"]
    base = hls.rsplit("/", 1)[0]
    rendition = master_variants(platform.media_path(hls))[0][1].split("/")[0]
    expected = {
        hls: ("application/vnd.apple.mpegurl", "public, no-cache"),
        f"{base}/{rendition}/index.m3u8": ("application/vnd.apple.mpegurl", "public, max-age=60"),
        transcoded["dashUrl"]: ("application/dash+xml", "public, max-age=60"),
        f"{base}/{rendition}/init.mp4": ("video/mp4", "public, max-age=31536000, immutable"),
        f"{base}/{rendition}/seg-00001.m4s": ("video/iso.segment", "public, max-age=31536000, immutable"),
        transcoded["posterUrl"]: ("image/jpeg", "public, max-age=31536000, immutable"),
        transcoded["thumbnailUrls"][0]: ("image/jpeg", "public, max-age=31536000, immutable"),
    }
    for url, (content_type, cache) in expected.items():
        response = platform.host.get(url)
        assert response.status_code == 200, (url, response.text[:200])
        assert response.headers["Content-Type"] == content_type, url
        assert response.headers["Cache-Control"] == cache, url
        assert response.headers["Accept-Ranges"] == "bytes"
        assert response.headers["ETag"].startswith('"') and response.headers["Last-Modified"].endswith(" GMT")
        assert response.content == platform.media_path(url).read_bytes(), url


def test_a_growing_playlist_is_never_cached(platform):
    video_id = platform.insert_video(platform.creator, title="growing")
    files = write_stream(platform, video_id)
    growing = files["360p/index.m3u8"].replace(b"#EXT-X-ENDLIST\n", b"")
    (platform.media_dir / "videos" / video_id / "streams/a1-test/360p/index.m3u8").write_bytes(growing)
    response = platform.host.get(media_url(video_id, "360p/index.m3u8"))
    assert response.status_code == 200 and response.content == growing
    assert response.headers["Cache-Control"] == "public, no-cache"


def test_head_answers_the_headers_without_a_body(platform, transcoded):
    url = transcoded["posterUrl"]
    size = platform.media_path(url).stat().st_size
    head = platform.host.request("HEAD", url)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) == size
    assert head.headers["Content-Type"] == "image/jpeg"
    assert head.headers["ETag"] == platform.host.get(url).headers["ETag"]
    # Range is for GET only (RFC 9110 §14.2): HEAD ignores it.
    ranged = platform.host.request("HEAD", url, headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 200 and int(ranged.headers["Content-Length"]) == size


def segment(platform, transcoded) -> tuple[str, bytes]:
    base = transcoded["hlsUrl"].rsplit("/", 1)[0]
    uri = master_variants(platform.media_path(transcoded["hlsUrl"]))[0][1].split("/")[0]
    url = f"{base}/{uri}/seg-00001.m4s"
    return url, platform.media_path(url).read_bytes()


def test_ranges_follow_rfc_9110(platform, transcoded):
    url, data = segment(platform, transcoded)
    size = len(data)
    assert size > 10_000

    def get(range_header, **headers):
        return platform.host.get(url, headers={"Range": range_header, **headers})

    for header, start, end in [("bytes=0-99", 0, 99), ("bytes=100-", 100, size - 1), ("bytes=-500", size - 500, size - 1),
                               ("bytes=0-0", 0, 0), (f"bytes={size - 1}-", size - 1, size - 1),
                               (f"bytes=10-{size * 2}", 10, size - 1), (f"bytes=-{size * 2}", 0, size - 1),
                               ("bytes=0-9,5-19", 0, 19), ("bytes=1000-1999, 0-999", 0, 1999)]:
        response = get(header)
        assert response.status_code == 206, (header, response.status_code)
        assert response.headers["Content-Range"] == f"bytes {start}-{end}/{size}", header
        assert response.content == data[start:end + 1], header
        assert int(response.headers["Content-Length"]) == end - start + 1
        assert response.headers["Content-Type"] == "video/iso.segment"

    for header in [f"bytes={size}-", f"bytes={size}-{size + 10}", "bytes=-0", f"bytes={size + 5}-,-0"]:
        refused = get(header)
        assert_json_error(refused, 416, "out_of_range")
        assert refused.headers["Content-Range"] == f"bytes */{size}", header

    # Ignored: invalid sets, other units, and disjoint ranges (no multipart: the whole file).
    for header in ["bytes=5-4", "items=0-9", "bytes=abc", "bytes=0-0,-1", "bytes=0-9,20-29"]:
        whole = get(header)
        assert whole.status_code == 200 and whole.content == data and "Content-Range" not in whole.headers, header

    # If-Range: the current ETag (or Last-Modified) keeps the range; a stale validator gets the whole file.
    first = platform.host.get(url)
    assert get("bytes=0-9", **{"If-Range": first.headers["ETag"]}).status_code == 206
    assert get("bytes=0-9", **{"If-Range": first.headers["Last-Modified"]}).status_code == 206
    stale = get("bytes=0-9", **{"If-Range": '"stale"'})
    assert stale.status_code == 200 and stale.content == data

    # The same with curl -r.
    status, body, headers = curl("-r", "0-99", platform.host.url(url))
    assert status == 206 and body == data[:100] and headers["content-range"] == f"bytes 0-99/{size}"
    status, body, headers = curl("-r", "-100", platform.host.url(url))
    assert status == 206 and body == data[-100:]
    status, body, headers = curl("-r", f"{size}-", platform.host.url(url))
    assert status == 416 and headers["content-range"] == f"bytes */{size}"


def test_conditional_requests(platform, transcoded):
    url, data = segment(platform, transcoded)
    first = platform.host.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    for headers in [{"If-None-Match": etag}, {"If-None-Match": f'"other", W/{etag}'}, {"If-None-Match": "*"},
                    {"If-Modified-Since": modified}]:
        cached = platform.host.get(url, headers=headers)
        assert cached.status_code == 304, headers
        assert cached.content == b""
        assert cached.headers["Content-Length"] == str(len(data)), "a 304 states the 200's length (RFC 9110 §8.6)"
        assert cached.headers["ETag"] == etag
        assert cached.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    fresh = platform.host.get(url, headers={"If-None-Match": '"other"', "If-Modified-Since": modified})
    assert fresh.status_code == 200 and fresh.content == data, "If-None-Match wins over If-Modified-Since"
    assert platform.host.get(url, headers={"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"}).status_code == 200
    # A replaced file (a new inode, as the transcoder publishes by rename) gets a new tag.
    video_id = platform.insert_video(platform.creator, title="etag")
    write_stream(platform, video_id)
    playlist = media_url(video_id, "360p/index.m3u8")
    before = platform.host.get(playlist).headers["ETag"]
    path = platform.media_dir / "videos" / video_id / "streams/a1-test/360p/index.m3u8"
    replacement = path.with_name(".next")
    replacement.write_bytes(path.read_bytes() + b"\n")
    replacement.rename(path)
    # The gateway's cache may answer the old file for up to REEL_GATEWAY_CACHE_SECONDS (a
    # finished playlist is public for 60 s; the transcoder never rewrites one in place): ask
    # past it, as a browser's reload does.
    after = platform.host.get(playlist, headers={"If-None-Match": before, "Cache-Control": "no-cache"})
    assert after.status_code == 200 and after.headers["ETag"] != before


def test_keep_alive_connections_stay_open(platform, transcoded):
    """Media answers given at once (cache hit, local file) keep the connection."""
    url, data = segment(platform, transcoded)
    playlist = transcoded["hlsUrl"]
    with socket.create_connection(("127.0.0.1", platform.host.port), timeout=30) as sock:
        for target in (url, playlist, url, playlist):
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            response = read_response(sock)
            assert response.status == 200, target
            assert response.headers.get("connection", "").lower() != "close", target
        sock.sendall(f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=0-9\r\n\r\n".encode())
        ranged = read_response(sock)
        assert ranged.status == 206 and ranged.body == data[:10]


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def test_serving_files_does_not_grow_the_host(platform, transcoded):
    """Each media answer is freed (a raw-route exchange and its connection
    context once held each other: every request leaked its answer)."""
    url, _ = segment(platform, transcoded)
    playlist = transcoded["hlsUrl"]
    with requests.Session() as session:
        def burst(count):
            for n in range(count):
                target = playlist if n % 2 else url
                assert session.get(platform.host.url(target), headers={"Range": "bytes=0-99"}).status_code in (200, 206)
        burst(500)
        before = rss_kb(platform.host.process.pid)
        burst(4000)
        grown = rss_kb(platform.host.process.pid) - before
    assert grown < 4096, f"the host grew by {grown} KB over 4000 media requests"
