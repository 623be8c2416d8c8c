"""The catalog's first page in memory (CatalogCache) and conditional GETs of
JSON routes: an unchanged page is answered 304 to its ETag, and any change
shows on the next request — an edit through this host at once, a change
written straight into the database (as another host sharing it would) as
soon as its NOTIFY arrives."""
import time

import pytest

from reeltest.video import make_video_api


@pytest.fixture(scope="module")
def cached(reel_env, tmp_path_factory):
    """A host on a fresh database with a few public videos."""
    from reeltest.host import HostStarter

    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("catalog-cache-host"))
    try:
        api = make_video_api(starter, reel_env, url)
        api.ids = [api.insert_video(api.creator, title=f"Cached video {i}", published_offset_s=100 - i) for i in range(3)]
        yield api
    finally:
        starter.stop_all()
        reel_env.drop_database(name)


def first_titles(api):
    response = api.list_videos()
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def eventually(check, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the change never showed"
        time.sleep(0.05)


def test_an_unchanged_page_is_answered_304_to_its_etag(cached):
    first = cached.list_videos()
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and tag.endswith('"'), tag
    # Public data asked anonymously: may be stored, revalidated every time.
    assert first.headers["Cache-Control"] == "no-cache"
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
    eventually(lambda: "Changed elsewhere" in first_titles(cached))
    new = cached.insert_video(cached.creator, title="Inserted elsewhere", published_offset_s=0)
    eventually(lambda: "Inserted elsewhere" in first_titles(cached))
    cached.psql(f"DELETE FROM video.videos WHERE id = '{new}'")
    eventually(lambda: "Inserted elsewhere" not in first_titles(cached))
