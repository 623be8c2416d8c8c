"""Who may fetch a video's media: public and unlisted videos by URL, private
and unfinished ones only through short-lived signed URLs the API hands to
their owner and admins; and nothing outside a video's stream folder, however
the path is spelled."""
import os
import time

import pytest

from reeltest.host import new_database, raw_get
from reeltest.stream import (ATTEMPT, assert_json_error, assert_raw_refused, key, media_url, signed_url, signing_key,
                          stream_files, write_stream)
from reeltest.video import make_video_api


@pytest.fixture(scope="module")
def api(reel_env, tmp_path_factory):
    """auth + video; streams are written straight into its media folder."""
    with new_database(reel_env, tmp_path_factory.mktemp("media-access-host")) as (starter, url):
        yield make_video_api(starter, reel_env, url)


def new_stream(api, visibility="public", state="ready") -> str:
    video_id = api.insert_video(api.creator, title=f"{visibility} {state}", visibility=visibility, state=state)
    write_stream(api, video_id)
    return video_id


def test_public_and_unlisted_videos_are_served_to_anyone(api):
    for visibility in ("public", "unlisted"):
        video_id = new_stream(api, visibility)
        video = api.get_video(video_id).json()
        assert video["hlsUrl"] == media_url(video_id, "master.m3u8"), "open videos get plain URLs"
        for url in (video["hlsUrl"], video["dashUrl"], video["posterUrl"], *video["thumbnailUrls"],
                    media_url(video_id, "360p/seg-00002.m4s")):
            assert api.host.get(url).status_code == 200, url


def test_a_private_video_needs_a_signed_url_from_its_owner(api):
    video_id = new_stream(api)
    segment = media_url(video_id, "360p/seg-00001.m4s")
    assert api.host.get(segment).status_code == 200  # public first: cached as open
    assert api.edit(api.creator, video_id, visibility="private").status_code == 200
    # The edit invalidated the cache at once.
    assert_json_error(api.host.get(segment), 403, "permission_denied")
    assert_json_error(api.host.get(media_url(video_id, "master.m3u8")), 403, "permission_denied")

    for account in (api.creator, api.admin):
        video = api.get_video(video_id, account).json()
        for url in (video["hlsUrl"], video["dashUrl"], video["posterUrl"], *video["thumbnailUrls"]):
            assert url.startswith("/media/s/"), url
            assert api.host.get(url).status_code == 200, url
        # Relative URLs in the playlists resolve under the signed prefix.
        prefix = video["hlsUrl"].rsplit("/", 1)[0]
        for name in ("360p/index.m3u8", "360p/init.mp4", "360p/seg-00001.m4s"):
            response = api.host.get(f"{prefix}/{name}")
            assert response.status_code == 200, name
            assert response.headers["Cache-Control"].startswith("private, "), response.headers["Cache-Control"]
    mine = api.my_videos(api.creator).json()["items"]
    assert next(v for v in mine if v["id"] == video_id)["hlsUrl"].startswith("/media/s/")
    assert api.get_video(video_id, api.viewer).status_code == 404
    assert api.get_video(video_id).status_code == 404

    # Back to public: plain URLs work again.
    assert api.edit(api.creator, video_id, visibility="public").status_code == 200
    assert api.host.get(segment).status_code == 200


def test_tampered_foreign_and_expired_signatures_are_refused(api):
    video_id = new_stream(api, "private")
    other_id = new_stream(api, "private")
    good = api.get_video(video_id, api.creator).json()["hlsUrl"]
    assert api.host.get(good).status_code == 200
    _, _, _, expires, signature, rest = good.split("/", 5)
    flipped = ("A" if signature[5] != "A" else "B")
    for url in [f"/media/s/{expires}/{signature[:5]}{flipped}{signature[6:]}/{rest}",   # tampered
                f"/media/s/{int(expires) + 300}/{signature}/{rest}",                        # longer life
                f"/media/s/{expires}/{signature[:-1]}/{rest}",                              # truncated
                f"/media/s/{expires}/{signature}/" + rest.replace(video_id, other_id),     # another video
                f"/media/s/soon/{signature}/{rest}",                                        # not a number
                f"/media/s/0{expires}/{signature}/{rest}",                                  # not canonical
                f"/media/s/+{expires}/{signature}/{rest}"]:
        assert_json_error(api.host.get(url), 403, "permission_denied")
    # A correctly signed URL whose time has passed.
    secret = signing_key(api)
    expired = signed_url(secret, video_id, "360p/seg-00001.m4s", expires=int(time.time()) - 5)
    assert "expired" in assert_json_error(api.host.get(expired), 403, "permission_denied")["message"]
    assert api.host.get(signed_url(secret, video_id, "360p/seg-00001.m4s")).status_code == 200
    # A signature made with another key.
    assert_json_error(api.host.get(signed_url(os.urandom(32), video_id, "master.m3u8")), 403)


def test_a_video_still_processing_is_only_served_signed(api):
    video_id = new_stream(api, "public", state="processing")
    assert_json_error(api.host.get(media_url(video_id, "master.m3u8")), 403, "permission_denied")
    video = api.get_video(video_id, api.creator).json()
    assert video["state"] == "processing" and video["hlsUrl"].startswith("/media/s/")
    assert api.host.get(video["hlsUrl"]).status_code == 200


def test_deleted_and_unknown_videos_are_not_found(api):
    video_id = new_stream(api)
    url = media_url(video_id, "360p/seg-00001.m4s")
    assert api.host.get(url).status_code == 200
    assert api.delete_video(api.creator, video_id).status_code == 204
    assert_json_error(api.host.get(url), 404, "not_found")
    assert_json_error(api.host.get(media_url("00000000-0000-4000-8000-000000000000", "master.m3u8")), 404)
    known = new_stream(api)
    assert_json_error(api.host.get(media_url(known, "360p/seg-09999.m4s")), 404, "not_found")


def test_nothing_outside_a_video_stream_folder_is_served(api):
    video_id = new_stream(api)
    other_id = new_stream(api, "private")
    source = api.media_dir / "videos" / video_id / "source"
    source.mkdir(parents=True, exist_ok=True)
    (source / "clip.mp4").write_bytes(b"the original upload")
    port = api.host.port
    base = f"/media/videos/{video_id}"
    # Dot segments and encoded separators never reach a plugin: 400.
    for target in [f"{base}/streams/{ATTEMPT}/../../source/clip.mp4",
                   f"{base}/streams/%2e%2e/%2E%2E/source/clip.mp4",
                   f"{base}/streams/{ATTEMPT}/.%2e/.%2e/.%2e/.%2e/.%2e/etc/passwd",
                   f"{base}/streams%2f{ATTEMPT}%2fmaster.m3u8",
                   f"{base}/streams/{ATTEMPT}/360p%2F..%2F..%2Fmaster.m3u8",
                   f"{base}/streams/{ATTEMPT}/master.m3u8%00.jpg",
                   f"/media/videos/..%2f{other_id}/streams/{ATTEMPT}/master.m3u8",
                   f"/media/videos/{video_id}/../{other_id}/streams/{ATTEMPT}/master.m3u8",
                   f"/media/s/1/x/videos/{video_id}/streams/../../{other_id}/streams/{ATTEMPT}/master.m3u8",
                   f"{base}/streams/{ATTEMPT}/%zz.m4s"]:
        response = raw_get(port, target)
        assert response.status == 400, (target, response.status)
        assert response.json()["error"]["code"] == "invalid_argument", target
    # Well-formed paths to anything but stream files: 404.
    for target in [f"{base}/source/clip.mp4", f"{base}/streams/{ATTEMPT}/360p/seg.ts", f"{base}/streams/master.m3u8",
                   f"/media/videos/{video_id.upper()}/streams/{ATTEMPT}/master.m3u8",
                   f"{base}/streams/{ATTEMPT}/%252e%252e/x.m4s", f"{base}/streams/{ATTEMPT}/.hidden.m4s",
                   "/media/videos/not-a-uuid/streams/a/master.m3u8", "/media/etc/passwd"]:
        assert_raw_refused(port, target, statuses=(404,))
    # Symbolic links inside the media folder are never followed.
    streams = api.media_dir / "videos" / video_id / "streams"
    (streams / ATTEMPT / "360p" / "seg-00077.m4s").symlink_to("/etc/passwd")
    (streams / "a9-link").symlink_to(api.media_dir / "videos" / other_id / "streams" / ATTEMPT)
    for target in [f"{base}/streams/{ATTEMPT}/360p/seg-00077.m4s", f"{base}/streams/a9-link/master.m3u8"]:
        assert_raw_refused(port, target, statuses=(404,))
    # The other video's files are private: the public video's signature-free route never reaches them.
    assert_json_error(api.host.get(media_url(other_id, "master.m3u8")), 403)


def test_media_routes_take_only_get_and_head(api):
    video_id = new_stream(api)
    url = media_url(video_id, "master.m3u8")
    for method in ("POST", "PUT", "DELETE"):
        response = api.host.request(method, url)
        assert response.status_code == 405, method
        assert "GET" in response.headers["Allow"]
