"""Playback positions, continue-watching and view counting (one view per
viewer, video and day), against a real host and database."""
import time

VIDEOS = "/api/v1/videos"
CONTINUE = "/api/v1/me/continue-watching"


def report(video, account, video_id, seconds):
    return video.host.request("PUT", f"{VIDEOS}/{video_id}/position", json={"positionSeconds": seconds},
                              headers=account.bearer if account else {})


def continue_watching(video, account, **params):
    response = video.host.get(CONTINUE, params=params, headers=account.bearer)
    assert response.status_code == 200, response.text
    return response.json()


def test_positions_feed_continue_watching(video):
    viewer = video.account("viewer")
    first = video.insert_video(video.creator, title="first")      # 12.5 s long
    second = video.insert_video(video.creator, title="second")
    finished = video.insert_video(video.creator, title="finished")
    assert continue_watching(video, viewer) == {"items": [], "nextCursor": None}

    assert report(video, viewer, first, 3.25).status_code == 204
    assert report(video, viewer, second, 4).status_code == 204
    assert report(video, viewer, finished, 12.2).status_code == 204   # within the last 5 %: finished
    listed = continue_watching(video, viewer)["items"]
    assert [item["video"]["id"] for item in listed] == [second, first], "most recently watched first"
    assert listed[1]["positionSeconds"] == 3.25
    assert listed[0]["updatedAt"].endswith("Z") and listed[0]["video"]["title"] == "second"

    assert report(video, viewer, first, 6.5).status_code == 204
    listed = continue_watching(video, viewer)["items"]
    assert [item["video"]["id"] for item in listed] == [first, second]
    assert listed[0]["positionSeconds"] == 6.5
    # Past the end is clamped to the duration (and so finished).
    assert report(video, viewer, second, 10_000).status_code == 204
    assert [item["video"]["id"] for item in continue_watching(video, viewer)["items"]] == [first]

    # Pages.
    for n in range(3):
        assert report(video, viewer, video.insert_video(video.creator, title=f"more {n}"), 1).status_code == 204
    page = continue_watching(video, viewer, limit=2)
    rest = continue_watching(video, viewer, limit=2, cursor=page["nextCursor"])
    assert len(page["items"]) == 2 and len(rest["items"]) == 2 and rest["nextCursor"] is None
    assert {i["video"]["id"] for i in page["items"]}.isdisjoint(i["video"]["id"] for i in rest["items"])
    assert video.host.get(CONTINUE, params={"cursor": "bogus"}, headers=viewer.bearer).status_code == 400


def test_videos_that_go_away_leave_continue_watching(video):
    viewer = video.account("viewer")
    deleted = video.insert_video(video.creator, title="deleted")
    hidden = video.insert_video(video.creator, title="hidden")
    kept = video.insert_video(video.creator, title="kept")
    for video_id in (deleted, hidden, kept):
        assert report(video, viewer, video_id, 2).status_code == 204
    assert video.delete_video(video.creator, deleted).status_code == 204
    assert video.edit(video.creator, hidden, visibility="private").status_code == 200
    assert [i["video"]["id"] for i in continue_watching(video, viewer)["items"]] == [kept]
    # The owner still sees their private video, with signed media URLs.
    assert report(video, video.creator, hidden, 2).status_code == 204
    own = continue_watching(video, video.creator)["items"]
    assert [i["video"]["id"] for i in own] == [hidden]


def test_position_reports_are_checked(video):
    viewer = video.account("viewer")
    public = video.insert_video(video.creator, title="checked")
    private = video.insert_video(video.creator, title="secret", visibility="private")
    assert report(video, None, public, 1).status_code == 401
    for bad in (-1, "soon", None):
        response = report(video, viewer, public, bad)
        assert response.status_code == 400, (bad, response.text)
    assert report(video, viewer, private, 1).status_code == 404
    assert report(video, viewer, "00000000-0000-4000-8000-000000000000", 1).status_code == 404
    assert report(video, viewer, "not-a-uuid", 1).status_code == 404  # as GetVideo: ids that are not UUIDs name nothing
    assert video.host.get(CONTINUE).status_code == 401


def views(video, video_id) -> int:
    return video.get_video(video_id).json()["views"]


def short_video(video, **kwargs) -> str:
    """A ready video of 2 s: a view counts after 0.6 s of playback (30 %),
    reported at least 0.3 s after the viewer's first contact."""
    video_id = video.insert_video(video.creator, **kwargs)
    video.psql(f"UPDATE video.videos SET duration_seconds = 2 WHERE id = '{video_id}'")
    return video_id


def played(video, url, account=None) -> dict:
    """RecordView at playback start, then after enough playback: the answer."""
    headers = account.bearer if account else {}
    start = video.host.post(url, headers=headers)
    assert start.status_code == 200, start.text
    time.sleep(0.5)
    return video.host.post(url, headers=headers).json()


def test_a_view_counts_once_per_viewer_per_day(video):
    video_id = short_video(video, title="counted")
    url = f"{VIDEOS}/{video_id}/views"
    first = video.host.post(url)
    assert first.status_code == 200 and first.json() == {"counted": False, "views": 0}, "playback only started"
    time.sleep(0.5)
    assert video.host.post(url).json() == {"counted": True, "views": 1}
    assert video.host.post(url).json() == {"counted": False, "views": 1}, "the same anonymous viewer (address) today"
    viewer = video.account("viewer")
    assert played(video, url, viewer) == {"counted": True, "views": 2}
    assert video.host.post(url, headers=viewer.bearer).json() == {"counted": False, "views": 2}
    # Reporting a position past the first seconds counts the signed-in viewer's view too (once).
    other = video.account("viewer")
    assert report(video, other, video_id, 1).status_code == 204
    time.sleep(0.5)
    assert report(video, other, video_id, 0.2).status_code == 204
    assert views(video, video_id) == 2, "not played far enough"
    assert report(video, other, video_id, 1.5).status_code == 204
    assert views(video, video_id) == 3
    assert video.host.post(url, headers=other.bearer).json() == {"counted": False, "views": 3}
    assert views(video, video_id) == 3

    private = short_video(video, title="private views", visibility="private")
    assert video.host.post(f"{VIDEOS}/{private}/views").status_code == 404
    assert played(video, f"{VIDEOS}/{private}/views", video.creator)["counted"] is True
    processing = video.insert_video(video.creator, title="not yet", state="processing")
    assert video.host.post(f"{VIDEOS}/{processing}/views", headers=video.creator.bearer).status_code == 404
    # Views are stored per viewer and day, never the address itself.
    rows = video.psql(f"SELECT viewer FROM video.view_log WHERE video_id = '{video_id}' ORDER BY viewer")
    assert "127.0.0.1" not in rows and rows.count("a:") == 1 and rows.count("u:") == 2
