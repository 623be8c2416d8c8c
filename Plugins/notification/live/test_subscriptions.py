"""Following creators: idempotent PUT/DELETE, names in the list, bad input."""
import uuid

import pytest

from reeltest.auth import unique_email


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_follow_and_unfollow_are_idempotent_and_listed_with_names(notify):
    api = notify
    creator = api.auth.account(unique_email("ada"), display_name="Ada Creator")
    fan = api.account("viewer")
    for _ in range(2):
        response = api.follow(fan, creator.id)
        assert response.status_code == 204, response.text
        assert response.content == b""
    listed = api.subscriptions(fan).json()
    assert [(s["creatorId"], s["displayName"]) for s in listed["items"]] == [(creator.id, "Ada Creator")]
    assert listed["nextCursor"] is None
    for _ in range(2):
        assert api.unfollow(fan, creator.id).status_code == 204
    assert api.subscriptions(fan).json()["items"] == []


def test_subscriptions_page_with_a_cursor(notify):
    api = notify
    fan = api.account("viewer")
    creators = [api.account("creator") for _ in range(3)]
    for creator in creators:
        assert api.follow(fan, creator.id).status_code == 204
    seen, cursor = [], None
    for _ in range(5):
        page = api.subscriptions(fan, limit=2, **({"cursor": cursor} if cursor else {})).json()
        seen += [s["creatorId"] for s in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == [c.id for c in reversed(creators)], "most recently followed first, each once"
    assert api.subscriptions(fan, cursor="garbage").status_code == 400


def test_bad_follows_are_clear_4xx(notify):
    api = notify
    fan = api.viewer
    unknown = api.follow(fan, str(uuid.uuid4()))
    assert unknown.status_code == 404 and error_code(unknown) == "not_found"
    yourself = api.follow(fan, fan.id)
    assert yourself.status_code == 400 and "yourself" in yourself.json()["error"]["message"]
    assert api.follow(fan, "not-a-uuid").status_code == 400
    anonymous = api.host.request("PUT", f"/api/v1/me/subscriptions/{api.creator.id}")
    assert anonymous.status_code == 401


def test_videos_of_followed_creators_newest_first(notify, protos):
    """Needs the video service's internal BatchGetVideos (cards as I see them)."""
    api = notify
    followed, other = api.account("creator"), api.account("creator")
    fan = api.account("viewer")
    api.follow(fan, followed.id)
    first = api.publish(protos, followed, title="First")
    api.publish(protos, other, title="Not followed")
    second = api.publish(protos, followed, title="Second")
    api.wait_feed(fan, lambda n: n["video"]["id"] == second, "both published")

    def listed(**params):
        response = api.subscription_videos(fan, **params)
        if response.status_code == 501 and "BatchGetVideos" in response.text:
            pytest.skip("the video service has no BatchGetVideos yet (#13)")
        assert response.status_code == 200, response.text
        return response.json()
    page = listed(limit=1)
    assert [v["id"] for v in page["items"]] == [second]
    assert [v["id"] for v in listed(limit=5, cursor=page["nextCursor"])["items"]] == [first]
    # Made private since: left out.
    assert api.edit(followed, first, visibility="private").status_code == 200
    assert [v["id"] for v in listed()["items"]] == [second]


def test_channel_name_followers_following_and_public_videos(notify, protos):
    api = notify
    creator = api.auth.account(unique_email("chan"), display_name="Chan Nel")
    assert api.auth.set_role(api.admin, creator.id, "creator").status_code == 200
    api.auth.sign_in(creator)
    fan = api.account("viewer")
    channel = api.host.get(f"/api/v1/channels/{creator.id}").json()
    assert channel == {"creatorId": creator.id, "displayName": "Chan Nel", "followerCount": 0, "following": False}
    api.follow(fan, creator.id)
    mine = api.host.get(f"/api/v1/channels/{creator.id}", headers=fan.bearer).json()
    assert mine["followerCount"] == 1 and mine["following"] is True
    public = api.publish(protos, creator, title="On the channel")
    api.publish(protos, creator, title="Hidden", visibility="private")
    api.wait_feed(fan, lambda n: n["video"]["id"] == public, "the public one")
    videos = api.host.get(f"/api/v1/channels/{creator.id}/videos").json()
    assert [v["id"] for v in videos["items"]] == [public] and videos["nextCursor"] is None
    assert api.host.get(f"/api/v1/channels/{uuid.uuid4()}").status_code == 404
    assert api.host.get("/api/v1/channels/nope").status_code == 400
