"""The same methods over /rpc (Connect unary) with protobuf bodies, and
BatchGetVideos kept internal."""
import uuid

from reeltest.watchlist import CONNECT_ERROR_JSON, PROTO


def test_methods_over_rpc_with_protobuf_bodies(wl, protos):
    viewer = wl.account("viewer")
    a, b = wl.insert_videos(wl.creator, 2, prefix="Rpc")
    add = protos.message("reel.watchlist.v1.AddToWatchlistRequest")
    for video in (a, b, a):
        response = wl.rpc(viewer, "AddToWatchlist", add(video_id=video))
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == "application/proto"
        assert response.content == b""  # AddToWatchlistResponse has no fields

    page_type = protos.message("reel.watchlist.v1.WatchlistPage")
    response = wl.rpc(viewer, "ListWatchlist", protos.message("reel.watchlist.v1.ListWatchlistRequest")(limit=1))
    assert response.status_code == 200, response.text
    page = page_type.FromString(response.content)
    assert [item.video.id for item in page.items] == [b]
    assert page.items[0].video.title.startswith("Rpc ") and page.items[0].added_at.endswith("Z")
    assert page.HasField("next_cursor")
    response = wl.rpc(viewer, "ListWatchlist",
                      protos.message("reel.watchlist.v1.ListWatchlistRequest")(limit=5, cursor=page.next_cursor))
    rest = page_type.FromString(response.content)
    assert [item.video.id for item in rest.items] == [a] and not rest.HasField("next_cursor")

    unknown = str(uuid.uuid4())
    response = wl.rpc(viewer, "WatchlistContains",
                      protos.message("reel.watchlist.v1.WatchlistContainsRequest")(ids=[a, unknown]))
    assert response.status_code == 200, response.text
    contains = protos.message("reel.watchlist.v1.WatchlistContainsResponse").FromString(response.content)
    assert dict(contains.contains) == {a: True, unknown: False}

    remove = protos.message("reel.watchlist.v1.RemoveFromWatchlistRequest")
    for _ in range(2):
        assert wl.rpc(viewer, "RemoveFromWatchlist", remove(video_id=a)).status_code == 200
    assert wl.listed_ids(viewer) == [b]


def test_rpc_errors(wl, protos):
    viewer = wl.account("viewer")
    add = protos.message("reel.watchlist.v1.AddToWatchlistRequest")
    bad = wl.rpc(viewer, "AddToWatchlist", add(video_id="nope"))
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_argument", bad.text
    missing = wl.rpc(viewer, "AddToWatchlist", add(video_id=str(uuid.uuid4())))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found", missing.text
    anonymous = wl.rpc(None, "AddToWatchlist", add(video_id=str(uuid.uuid4())))
    assert anonymous.status_code == 401, anonymous.text
    many = protos.message("reel.watchlist.v1.WatchlistContainsRequest")(ids=[str(uuid.uuid4()) for _ in range(101)])
    too_many = wl.rpc(viewer, "WatchlistContains", many)
    assert too_many.status_code == 400 and "at most 100" in too_many.json()["message"], too_many.text
    empty = wl.rpc(viewer, "WatchlistContains", protos.message("reel.watchlist.v1.WatchlistContainsRequest")())
    assert empty.status_code == 400, empty.text
    garbage = wl.host.post("/rpc/reel.watchlist.v1.WatchlistService/ListWatchlist", data=b"\xff\xff\xff",
                           headers={**PROTO, **viewer.bearer})
    assert garbage.status_code == 400, garbage.text
    assert CONNECT_ERROR_JSON <= set(garbage.json())


def test_batch_get_videos_is_internal(wl, protos):
    [video] = wl.insert_videos(wl.creator, 1, prefix="Internal")
    request = protos.message("reel.video.v1.BatchGetVideosRequest")(ids=[video], viewer_id=wl.admin.id,
                                                                     viewer_role="admin")
    response = wl.host.post("/rpc/reel.video.v1.VideoService/BatchGetVideos", data=request.SerializeToString(),
                            headers={**PROTO, **wl.admin.bearer})
    assert 400 <= response.status_code < 500, response.text
