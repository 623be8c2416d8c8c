"""Pinning, turning comments off, the video's visibility and deletion, and the
comment.created event."""
from reeltest.comment import assert_error
from reeltest.host import wait_until


def test_the_owner_pins_one_thread(comments):
    api = comments
    video = api.video()
    ada = api.user("Ada")
    first, second, third = (api.create(ada, video, text)["id"] for text in ("first", "second", "third"))
    reply = api.create(ada, video, "a reply", in_reply_to=first)["id"]

    pinned = api.pin(api.creator, first)
    assert pinned.status_code == 200, pinned.text
    assert pinned.json()["pinned"] is True
    assert [c["id"] for c in api.list(video).json()["items"]] == [first, third, second]
    # Pinned first in every order, and only once across pages.
    pages = api.pages(lambda **p: api.list(video, **p), limit=1, sort="oldest")
    assert [c["id"] for p in pages for c in p] == [first, second, third]

    assert api.pin(api.creator, second).status_code == 200  # unpins the first
    items = api.list(video).json()["items"]
    assert [c["id"] for c in items] == [second, third, first]
    assert [c["pinned"] for c in items] == [True, False, False]

    assert_error(api.pin(ada, third), 403, "permission_denied")
    assert_error(api.pin(api.creator, reply), 400, "invalid_argument")
    unpinned = api.unpin(api.creator, second)
    assert unpinned.status_code == 200 and unpinned.json()["pinned"] is False
    assert [c["id"] for c in api.list(video).json()["items"]] == [third, second, first]
    assert api.pin(api.admin, third).json()["pinned"] is True


def test_the_owner_turns_comments_off(comments):
    api = comments
    video = api.video()
    api.create(api.viewer, video, "before")
    assert api.settings(api.creator, video).json() == {"videoId": video, "enabled": True}
    assert_error(api.settings(api.viewer, video), 403, "permission_denied")
    assert_error(api.set_enabled(api.viewer, video, False), 403, "permission_denied")
    assert_error(api.set_enabled(api.creator, video, None), 400, "invalid_argument")

    off = api.set_enabled(api.creator, video, False)
    assert off.status_code == 200 and off.json() == {"videoId": video, "enabled": False}
    assert api.list(video).json() == {"items": [], "nextCursor": None, "enabled": False}
    # failed_precondition, which the host answers with 400.
    assert_error(api.post(api.viewer, video, "during"), 400, "failed_precondition")

    assert api.set_enabled(api.admin, video, True).json()["enabled"] is True
    assert [c["text"] for c in api.list(video).json()["items"]] == ["before"]


def test_a_private_videos_comments_are_hidden_from_others(comments):
    api = comments
    video = api.video(visibility="private")
    mine = api.create(api.creator, video, "a note to self")
    assert [c["id"] for c in api.list(video, api.creator).json()["items"]] == [mine["id"]]
    assert api.list(video, api.admin).status_code == 200
    assert_error(api.list(video, api.viewer), 404, "not_found")
    assert_error(api.list(video), 404, "not_found")
    assert_error(api.post(api.viewer, video, "let me in"), 404, "not_found")
    assert_error(api.replies(mine["id"], api.viewer), 404, "not_found")
    assert_error(api.delete(api.viewer, mine["id"]), 404, "not_found")
    assert_error(api.settings(api.viewer, video), 404, "not_found")


def test_a_deleted_videos_comments_go_with_it(comments):
    api = comments
    video = api.video()
    root = api.create(api.viewer, video, "soon gone")
    api.create(api.creator, video, "me too", in_reply_to=root["id"])
    assert api.set_enabled(api.creator, video, False).status_code == 200
    assert api.delete_video(api.creator, video).status_code == 204
    wait_until(lambda: api.psql(f"SELECT count(*) FROM comment.comments WHERE video_id = '{video}'").strip() == "0",
               what="the comments removed")
    assert api.psql(f"SELECT count(*) FROM comment.settings WHERE video_id = '{video}'").strip() == "0"
    assert_error(api.list(video), 404, "not_found")
    assert_error(api.replies(root["id"]), 404, "not_found")
    assert root["id"] not in [c["id"] for c in api.mine(api.viewer).json()["items"]]


def test_every_comment_publishes_comment_created(comments, protos):
    api = comments
    video = api.video()
    ada, bob = api.user("Ada"), api.user("Bob")
    root = api.create(ada, video, "root")
    reply = api.create(bob, video, "reply", in_reply_to=root["id"])

    def created(comment_id):
        found = [e for e in api.events(protos, "comment.created", "reel.comment.v1.CommentCreated")
                 if e.comment_id == comment_id]
        return found[0] if found else None

    event = wait_until(lambda: created(root["id"]))
    assert (event.video_id, event.video_owner_id, event.author_id) == (video, api.creator.id, ada.id)
    assert not event.HasField("in_reply_to") and not event.HasField("parent_author_id")
    event = wait_until(lambda: created(reply["id"]))
    assert (event.author_id, event.in_reply_to, event.parent_author_id) == (bob.id, root["id"], ada.id)
    assert event.video_owner_id == api.creator.id and event.thread_id == root["id"]


def test_anonymous_readers_read_and_may_not_write(comments):
    api = comments
    video = api.video()
    comment = api.create(api.viewer, video, "public words")
    assert [c["id"] for c in api.list(video).json()["items"]] == [comment["id"]]
    assert_error(api.post(None, video, "anonymous"), 401)
    assert_error(api.delete(None, comment["id"]), 401)
    assert_error(api.pin(None, comment["id"]), 401)
