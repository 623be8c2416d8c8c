"""The catalog's first page in memory (CatalogCache) and conditional GETs of
JSON routes: an unchanged page is answered 304 to its ETag, and any change
shows on the next request — an edit through this host at once, a change
written straight into the database (as another host sharing it would) as
soon as its NOTIFY arrives."""
import time

import pytest

from reeltest.host import new_database, wait_until
from reeltest.video import make_video_api


@pytest.fixture(scope="module")
def cached(reel_env, tmp_path_factory):
    """A host on a fresh database with a few public videos."""
    with new_database(reel_env, tmp_path_factory.mktemp("catalog-cache-host")) as (starter, url):
        api = make_video_api(starter, reel_env, url)
        api.ids = [api.insert_video(api.creator, title=f"Cached video {i}", published_offset_s=100 - i) for i in range(3)]
        yield api


def first_titles(api):
    response = api.list_videos()
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def test_an_unchanged_page_is_answered_304_to_its_etag(cached):
    first = cached.list_videos()
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and tag.endswith('"'), tag
    # Public data asked anonymously: may be stored, revalidated every time.
    assert first.headers["Cache-Control"] == "public, max-age=0, s-maxage=5"  # the gateway may keep it 5 s
    again = cached.host.get("/api/v1/videos", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == tag
    # A list naming it, and a strong form of the same tag, match too (weak comparison).
    assert cached.host.get("/api/v1/videos", headers={"If-None-Match": f'"other", {tag[2:]}'}).status_code == 304
    assert cached.host.get("/api/v1/videos", headers={"If-None-Match": '"other"'}).status_code == 200
    # Another page has another tag; a signed-in caller's answer stays no-store.
    assert cached.list_videos(limit=1).headers["ETag"] != tag
    signed_in = cached.list_videos(cached.creator)
    assert signed_in.headers["ETag"] == tag and signed_in.headers["Cache-Control"] == "no-store"
    one = cached.get_video(cached.ids[0])
    assert cached.host.get(f"/api/v1/videos/{cached.ids[0]}",
                           headers={"If-None-Match": one.headers["ETag"]}).status_code == 304


def test_an_edit_shows_on_the_next_request(cached):
    assert "Cached video 2" in first_titles(cached)
    tag = cached.list_videos().headers["ETag"]
    assert cached.edit(cached.creator, cached.ids[2], title="Edited here").status_code == 200
    assert "Edited here" in first_titles(cached)
    assert cached.host.get("/api/v1/videos", headers={"If-None-Match": tag}).status_code == 200


def test_a_change_made_in_the_database_shows(cached):
    assert "Cached video 1" in first_titles(cached)
    # As another host sharing the database (or an operator) would: the table's trigger NOTIFYs every host.
    cached.psql(f"UPDATE video.videos SET title = 'Changed elsewhere' WHERE id = '{cached.ids[1]}'")
    wait_until(lambda: "Changed elsewhere" in first_titles(cached), timeout=10, what="the change")
    new = cached.insert_video(cached.creator, title="Inserted elsewhere", published_offset_s=0)
    wait_until(lambda: "Inserted elsewhere" in first_titles(cached), timeout=10, what="the change")
    cached.psql(f"DELETE FROM video.videos WHERE id = '{new}'")
    wait_until(lambda: "Inserted elsewhere" not in first_titles(cached), timeout=10, what="the change")


def notifies(api, sql):
    """Whether `sql` sends the catalog's NOTIFY (psql prints the notifications its own session gets)."""
    return "reel_video_catalog" in api.psql(f"LISTEN reel_video_catalog; {sql}")


def test_a_cached_video_shows_an_edit_and_a_hidden_one_goes(cached):
    video_id = cached.insert_video(cached.creator, title="Single cached", published_offset_s=50)
    assert cached.get_video(video_id).json()["title"] == "Single cached"
    assert cached.get_video(video_id).json()["title"] == "Single cached"  # from memory now
    assert cached.edit(cached.creator, video_id, title="Single edited").status_code == 200
    assert cached.get_video(video_id).json()["title"] == "Single edited"
    # Made private: anonymous callers and other users get 404 at once; the owner still sees it.
    assert cached.edit(cached.creator, video_id, visibility="private").status_code == 200
    assert cached.get_video(video_id).status_code == 404
    assert cached.get_video(video_id, cached.viewer).status_code == 404
    assert cached.get_video(video_id, cached.creator).json()["visibility"] == "private"
    assert cached.get_video(video_id).status_code == 404, "the owner's answer was not kept for others"
    # Unlisted: anyone with the link, the same answer for all.
    assert cached.edit(cached.creator, video_id, visibility="unlisted").status_code == 200
    assert cached.get_video(video_id).json()["visibility"] == "unlisted"
    assert cached.delete_video(cached.creator, video_id).status_code == 204
    assert cached.get_video(video_id).status_code == 404


def test_a_video_hidden_in_the_database_goes(cached):
    video_id = cached.insert_video(cached.creator, title="Hidden elsewhere", published_offset_s=40)
    assert cached.get_video(video_id).status_code == 200
    assert cached.get_video(video_id).status_code == 200
    cached.psql(f"UPDATE video.videos SET visibility = 'private' WHERE id = '{video_id}'")
    wait_until(lambda: cached.get_video(video_id).status_code == 404, timeout=10, what="the change")
    # The owner's private answer is never kept for others.
    assert cached.get_video(video_id, cached.creator).status_code == 200
    assert cached.get_video(video_id).status_code == 404


def search_titles(api, **params):
    response = api.list_videos(**params)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def test_a_search_and_a_tag_show_a_new_matching_video(cached):
    cached.insert_video(cached.creator, title="Glacier one", tags=("ice",), published_offset_s=30)
    assert search_titles(cached, q="glacier") == ["Glacier one"]
    assert search_titles(cached, tag="ice") == ["Glacier one"]
    assert search_titles(cached, q="glacier") == ["Glacier one"]  # from memory now
    # A new ready video through the database (as the transcoder's host would write it).
    cached.insert_video(cached.creator, title="Glacier two", tags=("ice",), published_offset_s=0)
    wait_until(lambda: search_titles(cached, q="glacier") == ["Glacier two", "Glacier one"], timeout=10, what="search")
    wait_until(lambda: search_titles(cached, tag="ice") == ["Glacier two", "Glacier one"], timeout=10, what="tags")
    # Another page size, another answer; a processing or private match never shows.
    assert search_titles(cached, q="glacier", limit=1) == ["Glacier two"]
    cached.insert_video(cached.creator, title="Glacier hidden", visibility="private")
    cached.insert_video(cached.creator, title="Glacier processing", state="processing")
    assert search_titles(cached, q="glacier", limit=5) == ["Glacier two", "Glacier one"]
    # An edit through this host shows at once.
    two = [i for i in cached.list_videos(q="glacier").json()["items"] if i["title"] == "Glacier two"][0]
    assert cached.edit(cached.creator, two["id"], title="Moraine").status_code == 200
    assert search_titles(cached, q="glacier") == ["Glacier one"]


def test_view_counts_do_not_notify_other_changes_do(cached):
    video_id = cached.ids[0]
    assert not notifies(cached, f"UPDATE video.videos SET views = views + 1 WHERE id = '{video_id}'")
    assert notifies(cached, f"UPDATE video.videos SET description = 'told' WHERE id = '{video_id}'")
    assert notifies(cached, f"UPDATE video.videos SET views = views + 1, visibility = 'unlisted' WHERE id = '{video_id}'")
    assert notifies(cached, f"UPDATE video.videos SET visibility = 'public' WHERE id = '{video_id}'")


def test_a_counted_view_keeps_the_pages_and_shows_on_the_video(reel_env, tmp_path_factory):
    """With answers kept for an hour: a counted view does not drop the
    cached page (its count may lag), but this host's single video shows it."""
    with new_database(reel_env, tmp_path_factory.mktemp("catalog-views-host")) as (starter, url):
        api = make_video_api(starter, reel_env, url, env={"REEL_VIDEO_CATALOG_CACHE_SECONDS": "3600"})
        video_id = api.insert_video(api.creator, title="Watched", published_offset_s=10)
        api.psql(f"UPDATE video.videos SET duration_seconds = 2 WHERE id = '{video_id}'")
        wait_until(lambda: api.list_videos().json()["items"][0]["views"] == 0, timeout=10, what="the change")
        assert api.get_video(video_id).json()["views"] == 0
        url_views = f"/api/v1/videos/{video_id}/views"
        assert api.host.post(url_views).json()["counted"] is False
        time.sleep(0.5)
        counted = api.host.post(url_views).json()
        assert counted == {"counted": True, "views": 1}, counted
        assert api.get_video(video_id).json()["views"] == 1
        assert api.list_videos().json()["items"][0]["views"] == 0, "the page was dropped by a view"
        # Any other change drops it.
        assert api.edit(api.creator, video_id, title="Watched, renamed").status_code == 200
        first = api.list_videos().json()["items"][0]
        assert (first["title"], first["views"]) == ("Watched, renamed", 1)
