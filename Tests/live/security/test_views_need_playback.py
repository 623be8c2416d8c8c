"""Issue #19: 20 fresh accounts produced 20 views in under 2 s. A view now
counts only after real playback: a position report (or a second RecordView)
past min(5 s, 30 % of the video), at least half that long after the
viewer's first contact with the video that day."""
from __future__ import annotations

import time

from reeltest.inputs import video  # noqa: F401 (fixture)

VIDEOS = "/api/v1/videos"


def views(video, video_id) -> int:
    return video.get_video(video_id).json()["views"]


def test_twenty_fresh_accounts_do_not_make_twenty_views(video):
    video_id = video.insert_video(video.creator, title="popular?")  # 12.5 s: a view needs 3.75 s of playback
    url = f"{VIDEOS}/{video_id}/views"
    for _ in range(20):
        account = video.auth.account()
        answer = video.host.post(url, headers=account.bearer)
        assert answer.status_code == 200, answer.text
        assert answer.json()["counted"] is False
        assert video.host.request("PUT", f"{VIDEOS}/{video_id}/position", json={"positionSeconds": 10},
                                  headers=account.bearer).status_code == 204
        assert video.host.post(url, headers=account.bearer).json()["counted"] is False
    anonymous = [video.host.post(url).json()["counted"] for _ in range(3)]
    assert anonymous == [False, False, False]
    assert views(video, video_id) == 0


def test_a_view_counts_after_real_playback(video):
    video_id = video.insert_video(video.creator, title="watched")
    video.psql(f"UPDATE video.videos SET duration_seconds = 4 WHERE id = '{video_id}'")  # 1.2 s, 0.6 s apart
    viewer = video.auth.account()
    position = f"{VIDEOS}/{video_id}/position"
    assert video.host.request("PUT", position, json={"positionSeconds": 0}, headers=viewer.bearer).status_code == 204
    time.sleep(1.0)
    assert video.host.request("PUT", position, json={"positionSeconds": 1.3}, headers=viewer.bearer).status_code == 204
    assert views(video, video_id) == 1
    assert video.host.post(f"{VIDEOS}/{video_id}/views", headers=viewer.bearer).json() == {"counted": False, "views": 1}
