"""Streaming delivery with REEL_STORAGE=s3 (moto on loopback): proxied by
the host (ranges read from S3), or with REEL_MEDIA_S3_DELIVERY=redirect a
302 to a presigned URL for media files while playlists stay proxied (their
relative URLs must resolve against Reel's URL). Two hosts on one database
share the signing key."""
import pytest
import requests

from reeltest.host import new_database
from reeltest.stream import assert_json_error, key, media_url, stream_files
from reeltest.video import BUCKET, make_video_api, s3_env


@pytest.fixture(scope="module")
def hosts(reel_env, s3, tmp_path_factory):
    """(API on a proxying host, a redirecting host on the same database, boto3 client)."""
    endpoint, client = s3
    with new_database(reel_env, tmp_path_factory.mktemp("media-s3-hosts")) as (starter, url):
        api = make_video_api(starter, reel_env, url, env=s3_env(endpoint))
        redirecting = starter(plugins=("auth", "video"), database_url=url,
                              env={**s3_env(endpoint), "REEL_MEDIA_S3_DELIVERY": "redirect"})
        yield api, redirecting, client


def s3_stream(api, client, visibility="public") -> tuple[str, dict]:
    video_id = api.insert_video(api.creator, title=f"on s3 {visibility}", visibility=visibility)
    files = stream_files()
    for name, data in files.items():
        client.put_object(Bucket=BUCKET, Key=key(video_id, name), Body=data)
    api.psql(f"UPDATE video.videos SET hls_key = '{key(video_id, 'master.m3u8')}' WHERE id = '{video_id}'")
    return video_id, files


def test_the_host_proxies_files_and_ranges_from_s3(hosts):
    api, _, client = hosts
    video_id, files = s3_stream(api, client)
    for name, data in files.items():
        response = api.host.get(media_url(video_id, name))
        assert response.status_code == 200 and response.content == data, name
    segment = media_url(video_id, "360p/seg-00001.m4s")
    data = files["360p/seg-00001.m4s"]
    ranged = api.host.get(segment, headers={"Range": "bytes=100-199"})
    assert ranged.status_code == 206 and ranged.content == data[100:200]
    assert ranged.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert api.host.get(segment, headers={"Range": "bytes=-10"}).content == data[-10:]
    refused = api.host.get(segment, headers={"Range": f"bytes={len(data)}-"})
    assert_json_error(refused, 416)
    assert refused.headers["Content-Range"] == f"bytes */{len(data)}"
    first = api.host.get(segment)
    assert first.headers["Content-Type"] == "video/iso.segment"
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    cached = api.host.get(segment, headers={"If-None-Match": first.headers["ETag"]})
    assert cached.status_code == 304 and cached.headers["Content-Length"] == str(len(data))
    playlist = media_url(video_id, "360p/index.m3u8")
    tag = api.host.get(playlist).headers["ETag"]
    assert api.host.get(playlist, headers={"If-None-Match": tag}).status_code == 304
    head = api.host.request("HEAD", segment)
    assert head.status_code == 200 and head.content == b"" and head.headers["Content-Length"] == str(len(data))
    assert_json_error(api.host.get(media_url(video_id, "360p/seg-00042.m4s")), 404, "not_found")


def test_private_videos_on_s3_need_signatures_valid_on_every_host(hosts):
    api, redirecting, client = hosts
    video_id, files = s3_stream(api, client, visibility="private")
    assert_json_error(api.host.get(media_url(video_id, "master.m3u8")), 403, "permission_denied")
    assert_json_error(redirecting.get(media_url(video_id, "master.m3u8")), 403, "permission_denied")
    master = api.get_video(video_id, api.creator).json()["hlsUrl"]
    assert master.startswith("/media/s/")
    prefix = master.rsplit("/", 1)[0]
    assert api.host.get(master).content == files["master.m3u8"]
    assert redirecting.get(master).content == files["master.m3u8"], "one key for every host"
    followed = redirecting.get(f"{prefix}/360p/seg-00002.m4s")
    assert followed.status_code == 200 and followed.content == files["360p/seg-00002.m4s"]


def test_redirect_mode_sends_media_files_to_presigned_urls(hosts):
    api, redirecting, client = hosts
    video_id, files = s3_stream(api, client)
    segment = media_url(video_id, "360p/seg-00001.m4s")
    moved = redirecting.get(segment, allow_redirects=False)
    assert moved.status_code == 302
    location = moved.headers["Location"]
    assert "X-Amz-Signature=" in location and key(video_id, "360p/seg-00001.m4s") in location
    assert redirecting.get(segment, allow_redirects=False).headers["Location"] == location, "stable for a while"
    fetched = requests.get(location, timeout=30)
    assert fetched.status_code == 200 and fetched.content == files["360p/seg-00001.m4s"]
    # Playlists are proxied: their relative URLs resolve against the host.
    playlist = redirecting.get(media_url(video_id, "360p/index.m3u8"), allow_redirects=False)
    assert playlist.status_code == 200 and playlist.content == files["360p/index.m3u8"]
    assert playlist.headers["Content-Type"] == "application/vnd.apple.mpegurl"
    # Refusals still come from the host.
    assert_json_error(redirecting.get(media_url(video_id, "360p/x.ts"), allow_redirects=False), 404)
