"""The My List contract (issue #13): an idempotent set of video ids per user,
most recently added first, keyset-paginated; contains; the cap; videos that
become invisible drop out and deleted ones are removed; bad input is a clear
4xx JSON error."""
import uuid

import pytest

from reeltest.host import wait_until
from reeltest.watchlist import BASE, CAP


def error_of(response, status: int, code: str) -> str:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    assert body["error"]["message"], body
    return body["error"]["message"]


@pytest.fixture
def fresh(wl):
    """A new viewer with an empty list."""
    return wl.account("viewer")


def test_put_and_delete_are_idempotent(wl, fresh):
    [video] = wl.insert_videos(wl.creator, 1)
    for _ in range(2):
        response = wl.add(fresh, video)
        assert response.status_code == 204, response.text
        assert response.content == b""
    assert wl.listed_ids(fresh) == [video]
    assert wl.entries(fresh) == 1
    for _ in range(2):
        response = wl.remove(fresh, video)
        assert response.status_code == 204, response.text
    assert wl.listed_ids(fresh) == []
    assert wl.entries(fresh) == 0
    # Removing what was never there is fine too.
    assert wl.remove(fresh, str(uuid.uuid4())).status_code == 204


def test_most_recently_added_first_with_the_catalog_card(wl, fresh):
    a, b, c = wl.insert_videos(wl.creator, 3, prefix="Order")
    for video in (a, b, c):
        assert wl.add(fresh, video).status_code == 204
    first = wl.listed(fresh)
    assert [item["video"]["id"] for item in first] == [c, b, a]
    # Adding again changes nothing: not moved to the top, same addedAt.
    assert wl.add(fresh, a).status_code == 204
    again = wl.listed(fresh)
    assert again == first
    item = first[0]
    assert set(item) == {"addedAt", "video"}
    assert item["addedAt"].endswith("Z") and "T" in item["addedAt"]
    card = item["video"]
    expected = wl.get_video(c, fresh).json()
    for field in ("id", "title", "durationSeconds", "posterUrl", "state", "ownerId", "visibility", "createdAt"):
        assert card[field] == expected[field], field
    assert card["ownerId"] == wl.creator.id and card["state"] == "ready"
    # An upper-case id names the same video.
    assert wl.add(fresh, a.upper()).status_code == 204
    assert wl.entries(fresh) == 3


def test_pagination_through_120_entries(wl, fresh):
    videos = wl.insert_videos(wl.creator, 120, prefix="Page")
    for video in videos:
        assert wl.add(fresh, video).status_code == 204
    expected = list(reversed(videos))
    for limit in (7, 20, 100):
        got = wl.listed_ids(fresh, limit=limit)
        assert got == expected, limit
        assert len(set(got)) == 120
    default = wl.page(fresh).json()
    assert len(default["items"]) == 20 and default["nextCursor"]
    last = wl.page(fresh, limit=100, cursor=wl.page(fresh, limit=20).json()["nextCursor"]).json()
    assert len(last["items"]) == 100 and last["nextCursor"] is None
    # Adding while paging: keyset pagination neither repeats nor skips what was there.
    first = wl.page(fresh, limit=50).json()
    [newer] = wl.insert_videos(wl.creator, 1, prefix="Newer")
    assert wl.add(fresh, newer).status_code == 204
    rest = wl.page(fresh, limit=100, cursor=first["nextCursor"]).json()
    seen = [i["video"]["id"] for i in first["items"] + rest["items"]]
    assert seen == expected


def test_contains(wl, fresh):
    a, b, c = wl.insert_videos(wl.creator, 3, prefix="Contains")
    unknown = str(uuid.uuid4())
    assert wl.add(fresh, a).status_code == 204
    assert wl.add(fresh, c).status_code == 204
    response = wl.contains(fresh, [a, b, c, unknown])
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {a: True, b: False, c: True, unknown: False}
    # 100 ids are fine; repeated and encoded forms too.
    hundred = [a] + [str(uuid.uuid4()) for _ in range(99)]
    answer = wl.contains(fresh, hundred).json()
    assert len(answer) == 100 and answer[a] is True and sum(answer.values()) == 1
    assert wl.host.get(f"{BASE}/contains?ids={a}&ids={b}", headers=fresh.bearer).json() == {a: True, b: False}
    assert wl.host.get(f"{BASE}/contains?ids={a}%2C{b}", headers=fresh.bearer).json() == {a: True, b: False}
    # Someone else's list is not ours.
    assert wl.contains(wl.viewer, [a]).json() == {a: False}


def test_another_users_private_video_is_refused(wl, fresh):
    private = wl.insert_video(wl.creator, title="Private diary", visibility="private")
    processing = wl.insert_video(wl.creator, title="Not ready", state="processing")
    unlisted = wl.insert_video(wl.creator, title="Unlisted link", visibility="unlisted")
    for video in (private, processing, str(uuid.uuid4())):
        error_of(wl.add(fresh, video), 404, "not_found")
    assert wl.entries(fresh) == 0
    # Unlisted videos may be watched by whoever has the link, so they may be saved.
    assert wl.add(fresh, unlisted).status_code == 204
    # The owner may save their own private video.
    assert wl.add(wl.creator, private).status_code == 204
    assert private in wl.listed_ids(wl.creator)
    assert wl.remove(wl.creator, private).status_code == 204


def test_a_video_that_becomes_private_drops_out(wl, fresh):
    a, b, c = wl.insert_videos(wl.creator, 3, prefix="Hidden")
    for video in (a, b, c):
        assert wl.add(fresh, video).status_code == 204
    assert wl.edit(wl.creator, b, visibility="private").status_code == 200
    # Paging one by one over the hidden one: no empty page, no duplicate.
    assert wl.listed_ids(fresh, limit=1) == [c, a]
    # It is still in the set (contains says so); it shows again once public.
    assert wl.contains(fresh, [b]).json() == {b: True}
    assert wl.edit(wl.creator, b, visibility="public").status_code == 200
    assert wl.listed_ids(fresh, limit=1) == [c, b, a]


def test_a_deleted_video_leaves_every_list(wl, fresh):
    [video] = wl.insert_videos(wl.creator, 1, prefix="Doomed")
    [kept] = wl.insert_videos(wl.creator, 1, prefix="Kept")
    other = wl.account("viewer")
    for account in (fresh, other, wl.creator):
        assert wl.add(account, video).status_code == 204
    assert wl.add(fresh, kept).status_code == 204
    assert wl.delete_video(wl.creator, video).status_code == 204

    def gone():
        return wl.psql(f"SELECT count(*) FROM watchlist.entries WHERE video_id = '{video}'") == "0"
    wait_until(gone, timeout=15, what="the video.deleted event to empty the lists")
    assert wl.listed_ids(fresh) == [kept]
    assert wl.listed_ids(other) == []
    assert wl.contains(fresh, [video, kept]).json() == {video: False, kept: True}
    error_of(wl.add(fresh, video), 404, "not_found")


def test_the_cap(wl, fresh):
    videos = wl.insert_videos(wl.creator, CAP + 1, prefix="Cap")
    # Fill the list to the cap straight in the table (the API path is the
    # pagination test's), then the API must refuse one more.
    values = ",".join(f"('{fresh.id}', '{v}')" for v in videos[:CAP])
    wl.psql(f"INSERT INTO watchlist.entries (user_id, video_id) VALUES {values}")
    assert wl.entries(fresh) == CAP
    message = error_of(wl.add(fresh, videos[CAP]), 429, "resource_exhausted")
    assert str(CAP) in message
    assert wl.entries(fresh) == CAP
    # Adding one already there is still fine at the cap; after a removal there is room.
    assert wl.add(fresh, videos[0]).status_code == 204
    assert wl.remove(fresh, videos[0]).status_code == 204
    assert wl.add(fresh, videos[CAP]).status_code == 204
    error_of(wl.add(fresh, videos[0]), 429, "resource_exhausted")
    assert wl.entries(fresh) == CAP


def test_bad_input_is_a_clear_4xx(wl, fresh):
    [video] = wl.insert_videos(wl.creator, 1, prefix="Bad")
    for bad in ("not-a-uuid", "123", video + "0", video[:-1] + "g", "%22%3Cb%3E"):
        error_of(wl.add(fresh, bad), 400, "invalid_argument")
        error_of(wl.remove(fresh, bad), 400, "invalid_argument")
    error_of(wl.contains(fresh, "nope"), 400, "invalid_argument")
    error_of(wl.contains(fresh, ""), 400, "invalid_argument")
    error_of(wl.host.get(f"{BASE}/contains", headers=fresh.bearer), 400, "invalid_argument")
    error_of(wl.host.get(f"{BASE}/contains?ids={video}&limit=3", headers=fresh.bearer), 400, "invalid_argument")
    too_many = [str(uuid.uuid4()) for _ in range(101)]
    assert "at most 100" in error_of(wl.contains(fresh, too_many), 400, "invalid_argument")
    for params in ({"limit": 0}, {"limit": 101}, {"limit": "x"}, {"cursor": "garbage"}, {"cursor": "d2wxOjA"},
                   {"sort": "views"}):
        error_of(wl.page(fresh, **params), 400, "invalid_argument")
    # Unknown routes and methods under /api/v1/me/watchlist/...
    assert wl.host.get(f"{BASE}/{video}", headers=fresh.bearer).status_code == 405
    error_of(wl.host.get(f"{BASE}/{video}/extra", headers=fresh.bearer), 404, "not_found")
    error_of(wl.host.get(f"{BASE}/contains/more", headers=fresh.bearer), 404, "not_found")
    for method, path in (("POST", BASE), ("POST", f"{BASE}/{video}"), ("PATCH", f"{BASE}/{video}"),
                         ("DELETE", BASE), ("POST", f"{BASE}/contains")):
        response = wl.host.request(method, path, headers=fresh.bearer)
        assert 400 <= response.status_code < 500, (method, path, response.status_code)
        assert "error" in response.json(), response.text
    # Signed out: 401 everywhere.
    for response in (wl.add(None, video), wl.remove(None, video), wl.page(None), wl.contains(None, [video])):
        error_of(response, 401, "unauthenticated")
    assert wl.entries(fresh) == 0


def test_concurrent_adds_cannot_pass_the_cap(wl, fresh):
    from concurrent.futures import ThreadPoolExecutor

    videos = wl.insert_videos(wl.creator, CAP - 1 + 8, prefix="Race")
    values = ",".join(f"('{fresh.id}', '{v}')" for v in videos[:CAP - 1])
    wl.psql(f"INSERT INTO watchlist.entries (user_id, video_id) VALUES {values}")
    # One place left, eight different videos at once: exactly one gets it.
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(lambda v: wl.add(fresh, v).status_code, videos[CAP - 1:]))
    assert statuses == [204] + [429] * 7, statuses
    assert wl.entries(fresh) == CAP
