"""Video metadata and the catalog: keyset pagination, visibility, full-text
search, tags, sort by views, editing and deleting. Catalog rows are written
with psql in chosen states (the transcoder that would make them ready comes
in the next issue); one real upload checks that deletion removes its files."""
import pytest

from reeltest.host import new_database
from reeltest.video import make_video_api


@pytest.fixture(scope="module")
def catalog(reel_env, tmp_path_factory):
    """A host on a fresh database, so the catalog holds exactly what these tests put in."""
    with new_database(reel_env, tmp_path_factory.mktemp("catalog-host")) as (starter, url):
        api = make_video_api(starter, reel_env, url)
        other = api.account("creator")
        api.public = []
        for i in range(23):
            owner = api.creator if i % 2 else other
            tags = ["cats"] if i % 3 == 0 else ["dogs", "Outdoors".lower()]
            api.public.append(api.insert_video(owner, title=f"Public video {i}", tags=tags, views=(i * 7) % 10,
                                               description=f"number {i} of the catalog", published_offset_s=1000 - i))
        # Two published in the same microsecond: the id breaks the tie.
        api.psql("UPDATE video.videos SET published_at = (SELECT published_at FROM video.videos "
                 f"WHERE id = '{api.public[0]}') WHERE id = '{api.public[1]}'")
        api.private = api.insert_video(api.creator, title="Private diary", visibility="private",
                                       description="zebra secrets")
        api.unlisted = api.insert_video(api.creator, title="Unlisted link", visibility="unlisted",
                                        description="zebra for friends")
        api.processing = api.insert_video(api.creator, title="Still processing", state="processing",
                                          description="zebra later")
        api.searchable = api.insert_video(other, title="Learning Swift", tags=["programming"],
                                          description="A gentle introduction to concurrency with actors and tasks",
                                          views=3)
        api.public.append(api.searchable)
        api.other = other
        yield api


def ids(items):
    return [item["id"] for item in items]


def test_pagination_returns_every_public_ready_video_once(catalog):
    for limit in (1, 5, 7, 100):
        items = catalog.all_pages(limit=limit)
        assert sorted(ids(items)) == sorted(catalog.public), limit
        assert len(set(ids(items))) == len(items)
        keys = [(item["publishedAt"], item["id"]) for item in items]
        assert keys == sorted(keys, reverse=True)
    assert catalog.list_videos(limit=100).json()["nextCursor"] is None


def test_private_unlisted_and_unready_videos_stay_out_of_the_catalog(catalog):
    for account in (None, catalog.viewer, catalog.creator, catalog.admin):
        listed = set(ids(catalog.all_pages(account, limit=50)))
        assert not listed & {catalog.private, catalog.unlisted, catalog.processing}
    # By id: unlisted is viewable by anyone, private and processing only by their owner and admins.
    assert catalog.get_video(catalog.unlisted).status_code == 200
    for video_id in (catalog.private, catalog.processing):
        assert catalog.get_video(video_id).status_code == 404
        assert catalog.get_video(video_id, catalog.viewer).status_code == 404
        assert catalog.get_video(video_id, catalog.other).status_code == 404
        assert catalog.get_video(video_id, catalog.creator).status_code == 200
        assert catalog.get_video(video_id, catalog.admin).status_code == 200
    mine = ids(catalog.my_videos(catalog.creator, limit=100).json()["items"])
    assert {catalog.private, catalog.unlisted, catalog.processing} <= set(mine)
    assert catalog.searchable not in mine


def test_a_ready_video_has_urls(catalog):
    video_id = catalog.public[5]
    catalog.psql(f"UPDATE video.videos SET poster_key = 'videos/{video_id}/poster.jpg', "
                 f"hls_key = 'videos/{video_id}/hls/master.m3u8' WHERE id = '{video_id}'")
    v = catalog.get_video(video_id).json()
    assert v["state"] == "ready" and v["publishedAt"] and v["hlsUrl"] == f"/media/videos/{video_id}/hls/master.m3u8"
    assert v["posterUrl"] == f"/media/videos/{video_id}/poster.jpg" and v["dashUrl"] is None
    assert v["durationSeconds"] == 12.5 and isinstance(v["views"], int)


def test_search_finds_a_word_of_the_description(catalog):
    for q in ("concurrency", "Actors", "gentle introduction", "swift", "programming", '"concurrency with actors"'):
        assert ids(catalog.list_videos(q=q).json()["items"]) == [catalog.searchable], q
    assert catalog.list_videos(q="zebra").json()["items"] == []  # only non-public ones mention zebras
    assert catalog.list_videos(q="nosuchwordanywhere").json()["items"] == []
    found = catalog.all_pages(q="catalog", limit=4)
    assert len(found) == 23


def test_tag_filter(catalog):
    cats = catalog.all_pages(tag="cats", limit=3)
    assert len(cats) == 8 and all("cats" in item["tags"] for item in cats)
    assert len(catalog.all_pages(tag="  DOGS ", limit=50)) == 15
    assert catalog.list_videos(tag="nothing").json()["items"] == []


def test_sort_by_views(catalog):
    items = catalog.all_pages(sort="views", limit=4)
    assert sorted(ids(items)) == sorted(catalog.public)
    keys = [(item["views"], item["id"]) for item in items]
    assert keys == sorted(keys, reverse=True)


def test_listing_refusals(catalog):
    newest_cursor = catalog.list_videos(limit=2).json()["nextCursor"]
    assert catalog.list_videos(sort="views", cursor=newest_cursor).status_code == 400
    assert catalog.list_videos(cursor="garbage").status_code == 400
    assert catalog.list_videos(sort="random").status_code == 400
    for limit in (0, 101, -1):
        assert catalog.list_videos(limit=limit).status_code == 400
    assert catalog.host.get("/api/v1/users/me/videos").status_code == 401


def test_owner_edits_and_others_cannot(catalog):
    video_id = catalog.insert_video(catalog.creator, title="Before", description="old")
    edited = catalog.edit(catalog.creator, video_id, title="  After  ", description="new words here",
                          tags=[" Travel ", "travel", "SEA"], visibility="unlisted")
    assert edited.status_code == 200, edited.text
    v = edited.json()
    assert (v["title"], v["description"], v["tags"], v["visibility"]) == ("After", "new words here", ["travel", "sea"], "unlisted")
    only_title = catalog.edit(catalog.creator, video_id, title="Only the title").json()
    assert only_title["tags"] == ["travel", "sea"] and only_title["visibility"] == "unlisted"
    assert catalog.edit(catalog.creator, video_id, clearTags=True).json()["tags"] == []
    assert catalog.edit(catalog.admin, video_id, title="By the admin").status_code == 200
    assert catalog.edit(catalog.other, video_id, title="Not mine").status_code == 403
    assert catalog.edit(None, video_id, title="anonymous").status_code == 401
    private = catalog.edit(catalog.other, catalog.private, title="Not mine")
    assert private.status_code == 404  # a private video of someone else does not exist for you
    for fields in ({"title": ""}, {"title": "x" * 201}, {"description": "d" * 5001}, {"tags": ["t" * 41]},
                   {"tags": [f"t{i}" for i in range(21)]}, {"visibility": "secret"}):
        response = catalog.edit(catalog.creator, video_id, **fields)
        assert response.status_code == 400, (fields, response.text)
        assert response.json()["error"]["code"] == "invalid_argument"
    assert catalog.get_video(video_id, catalog.creator).json()["title"] == "By the admin"
    assert catalog.edit(catalog.creator, "00000000-0000-4000-8000-000000000000", title="x").status_code == 404


def test_delete_removes_row_files_and_job(catalog, media):
    uploader = catalog.upload(catalog.creator, media.clip(2), metadata={"filename": "to-delete.mp4"})
    video_id = uploader.request.response_headers["reel-video-id"]
    assert (catalog.media_dir / "videos" / video_id / "source" / "to-delete.mp4").exists()
    assert catalog.delete_video(catalog.other, video_id).status_code == 404  # processing: not visible to others
    assert catalog.delete_video(catalog.viewer, video_id).status_code == 404
    response = catalog.delete_video(catalog.creator, video_id)
    assert response.status_code == 204, response.text
    assert catalog.get_video(video_id, catalog.creator).status_code == 404
    assert not (catalog.media_dir / "videos" / video_id).exists()
    assert catalog.psql(f"SELECT count(*) FROM video.transcode_outbox WHERE video_id = '{video_id}'") == "0"
    assert catalog.delete_video(catalog.creator, video_id).status_code == 404
    public = catalog.insert_video(catalog.other, title="Someone elses")
    assert catalog.delete_video(catalog.creator, public).status_code == 403
    assert catalog.delete_video(catalog.admin, public).status_code == 204
