# Creators' videos come from the video service (its internal
# ListVideosByOwners), so videos published while the notification plugin did
# not see them (not loaded, or before anyone followed) are listed too.


def ids(response):
    assert response.status_code == 200, response.text
    return [v["id"] for v in response.json()["items"]]


def test_videos_published_without_an_event_are_listed(notify, protos):
    api = notify
    creator, other = api.account("creator"), api.account("creator")
    fan = api.account("viewer")
    # Written straight into the video service's table: no video.ready ever
    # reached the notification plugin for these.
    old = api.insert_video(creator, title="Published long ago", published_offset_s=3600)
    api.insert_video(creator, title="Private", visibility="private", published_offset_s=1800)
    api.insert_video(creator, title="Still processing", state="processing")
    api.insert_video(other, title="Someone else", published_offset_s=600)
    api.follow(fan, creator.id)
    new = api.publish(protos, creator, title="Published now")
    api.wait_feed(fan, lambda n: n["video"]["id"] == new, "the new one")

    assert ids(api.subscription_videos(fan)) == [new, old]
    first = api.subscription_videos(fan, limit=1)
    assert ids(first) == [new]
    rest = api.subscription_videos(fan, limit=1, cursor=first.json()["nextCursor"])
    assert ids(rest) == [old] and rest.json()["nextCursor"] is None
    assert api.subscription_videos(fan, cursor="not-a-cursor").status_code == 400

    assert ids(api.host.get(f"/api/v1/channels/{creator.id}/videos")) == [new, old]
    page = api.host.get(f"/api/v1/channels/{creator.id}/videos", params={"limit": 1})
    assert ids(page) == [new]
    assert ids(api.host.get(f"/api/v1/channels/{creator.id}/videos",
                            params={"limit": 1, "cursor": page.json()["nextCursor"]})) == [old]
    assert api.host.get(f"/api/v1/channels/{creator.id}/videos", params={"cursor": "x"}).status_code == 400


def test_nobody_followed_lists_nothing(notify):
    api = notify
    loner = api.account("viewer")
    response = api.subscription_videos(loner)
    assert response.status_code == 200, response.text
    assert response.json()["items"] == [] and response.json()["nextCursor"] is None
