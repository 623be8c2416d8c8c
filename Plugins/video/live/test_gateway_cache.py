"""The gateway's shared cache (the host's ResponseCache): a repeated
anonymous GET of an open video's playlist or poster, a catalog page or a
single video is answered by the host without crossing into the plugin
(`Age` says so), with the same bytes and validators; every change the video
plugin makes (or hears of through its NOTIFY) purges it at once; nothing
asked with credentials, and nothing private, is ever kept."""
import time

import pytest

from reeltest.host import new_database, wait_until
from reeltest.stream import assert_json_error, media_url, write_stream
from reeltest.video import make_video_api


@pytest.fixture(scope="module")
def api(reel_env, tmp_path_factory):
    """auth + video with the default cache (5 s)."""
    with new_database(reel_env, tmp_path_factory.mktemp("gateway-cache-host")) as (starter, url):
        yield make_video_api(starter, reel_env, url)


def new_stream(api, visibility="public") -> str:
    video_id = api.insert_video(api.creator, title=f"cached {visibility}", visibility=visibility)
    write_stream(api, video_id)
    # The inserts' NOTIFYs purge the gateway when they arrive: let them land first.
    time.sleep(0.3)
    return video_id


def stored(api, url, **kwargs):
    """A GET answered from the gateway's cache (asked again while a late purge drops it)."""
    for _ in range(20):
        response = api.host.get(url, **kwargs)
        if "Age" in response.headers:
            return response
    raise AssertionError(f"{url} never came from the cache: {response.headers}")


def test_a_second_playlist_and_poster_get_come_from_the_gateway(api):
    video_id = new_stream(api)
    for name in ("360p/index.m3u8", "poster.jpg"):
        url = media_url(video_id, name)
        first = api.host.get(url)
        assert first.status_code == 200 and "Age" not in first.headers, first.headers
        second = stored(api, url)
        assert second.status_code == 200 and int(second.headers["Age"]) >= 0, second.headers
        assert second.content == first.content
        for header in ("ETag", "Cache-Control", "Content-Type", "Last-Modified", "Reel-Plugin", "X-Content-Type-Options"):
            assert second.headers.get(header) == first.headers.get(header), header
        assert second.headers["X-Request-Id"] != first.headers["X-Request-Id"], "per-request headers stay per request"
        assert "traceparent" in second.headers
        # HEAD and a conditional GET are answered from it too.
        head = api.host.request("HEAD", url)
        assert head.status_code == 200 and head.content == b"" and "Age" in head.headers
        assert int(head.headers["Content-Length"]) == len(first.content)
        revalidated = api.host.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert revalidated.status_code == 304 and revalidated.content == b"" and "Age" in revalidated.headers
        assert revalidated.headers["ETag"] == first.headers["ETag"]
        assert revalidated.headers["Content-Length"] == str(len(first.content)), "as the plugin's 304"
        # A range, or a client asking for a fresh answer, goes to the plugin.
        ranged = api.host.get(url, headers={"Range": "bytes=0-3"})
        assert ranged.status_code == 206 and "Age" not in ranged.headers
        assert ranged.content == first.content[:4]
        assert "Age" not in api.host.get(url, headers={"Cache-Control": "no-cache"}).headers


def test_a_conditional_get_on_a_miss_is_answered_304_and_fills_the_cache(api):
    video_id = new_stream(api)
    url = media_url(video_id, "360p/index.m3u8")
    tag = api.host.get(url, headers={"Cache-Control": "no-cache"}).headers["ETag"]  # not stored
    first = api.host.get(url, headers={"If-None-Match": tag})
    assert first.status_code == 304 and "Age" not in first.headers and first.headers["ETag"] == tag
    assert "Age" in api.host.get(url, headers={"If-None-Match": tag}).headers
    full = api.host.get(url, headers={"If-None-Match": '"other"'})
    assert full.status_code == 200 and "Age" in full.headers
    # A signed (private) answer is not kept, and its condition is still answered.
    hidden = new_stream(api, "private")
    signed = api.get_video(hidden, api.creator).json()["posterUrl"]
    signed_tag = api.host.get(signed).headers["ETag"]
    again = api.host.get(signed, headers={"If-None-Match": signed_tag})
    assert again.status_code == 304 and again.content == b"" and "Age" not in again.headers


def test_making_a_video_private_or_deleting_it_purges_at_once(api):
    video_id = new_stream(api)
    playlist = media_url(video_id, "360p/index.m3u8")
    assert stored(api, playlist).status_code == 200
    assert stored(api, f"/api/v1/videos/{video_id}").status_code == 200
    assert api.edit(api.creator, video_id, visibility="private").status_code == 200
    assert_json_error(api.host.get(playlist), 403, "permission_denied")
    assert api.get_video(video_id).status_code == 404
    assert api.edit(api.creator, video_id, visibility="public").status_code == 200
    for _ in range(2):
        assert api.host.get(playlist).status_code == 200
    assert api.delete_video(api.creator, video_id).status_code == 204
    assert api.host.get(playlist).status_code in (403, 404)
    assert api.get_video(video_id).status_code == 404


def test_a_change_made_in_the_database_purges_through_the_notify(api):
    video_id = new_stream(api)
    for _ in range(2):
        assert api.get_video(video_id).status_code == 200
    # As another host sharing the database would: the trigger NOTIFYs, the plugin purges the gateway.
    api.psql(f"UPDATE video.videos SET title = 'Renamed elsewhere' WHERE id = '{video_id}'")
    wait_until(lambda: api.get_video(video_id).json()["title"] == "Renamed elsewhere", timeout=3, what="the change")


def test_the_json_routes_opt_in_and_anything_signed_in_is_never_kept(api):
    video_id = new_stream(api)
    first = api.list_videos()
    assert first.headers["Cache-Control"] == "public, max-age=0, s-maxage=5"
    second = stored(api, "/api/v1/videos")
    assert second.content == first.content
    assert second.headers["ETag"] == first.headers["ETag"]
    # With credentials: never from the cache, and never stored for others.
    for _ in range(2):
        signed_in = api.list_videos(api.creator)
        assert signed_in.status_code == 200 and "Age" not in signed_in.headers
        assert signed_in.headers["Cache-Control"] == "no-store"
        mine = api.my_videos(api.creator)
        assert mine.status_code == 200 and "Age" not in mine.headers
    # A private video's owner answer is never served to anyone else.
    hidden = new_stream(api, "private")
    for _ in range(2):
        assert api.get_video(hidden, api.creator).status_code == 200
    assert api.get_video(hidden).status_code == 404
    # Signed media URLs are private answers: never kept.
    signed = api.get_video(hidden, api.creator).json()["posterUrl"]
    for _ in range(2):
        response = api.host.get(signed)
        assert response.status_code == 200 and "Age" not in response.headers
    assert api.get_video(video_id).status_code == 200


def test_odd_paths_and_queries_still_get_their_4xx(api):
    video_id = new_stream(api)
    for _ in range(2):
        assert api.list_videos(limit="abc").status_code == 400
        assert api.host.get(media_url(video_id, "../../etc/passwd")).status_code in (400, 403, 404)
    assert api.list_videos(limit="2").status_code == 200
    assert stored(api, "/api/v1/videos", params={"limit": "2"}).status_code == 200
    assert "Age" not in api.list_videos(limit="3").headers


def test_with_the_cache_off_nothing_says_age(reel_env, tmp_path_factory):
    with new_database(reel_env, tmp_path_factory.mktemp("gateway-cache-off")) as (starter, url):
        api = make_video_api(starter, reel_env, url, env={"REEL_GATEWAY_CACHE_SECONDS": "0"})
        video_id = new_stream(api)
        for path in (media_url(video_id, "360p/index.m3u8"), media_url(video_id, "poster.jpg"),
                     "/api/v1/videos", f"/api/v1/videos/{video_id}"):
            for _ in range(3):
                response = api.host.get(path)
                assert response.status_code == 200 and "Age" not in response.headers, path
