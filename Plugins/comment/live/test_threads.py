"""Threads, replies, pagination, edits and soft deletes, as a user would."""
from reeltest.auth import unique_email
from reeltest.comment import assert_error
from reeltest.host import wait_until

FIELDS = {"id", "videoId", "author", "text", "createdAt", "updatedAt", "edited", "deleted", "pinned", "replyCount",
          "inReplyTo"}


def test_a_thread_with_replies_and_a_reply_to_a_reply(comments):
    api = comments
    video = api.video()
    ada, bob = api.user("Ada"), api.user("Bob")
    root = api.create(ada, video, "  First!\nWhat a clip.  ")
    assert FIELDS <= set(root)
    assert root["text"] == "First!\nWhat a clip."
    assert root["inReplyTo"] is None and root["videoId"] == video
    assert root["author"] == {"id": ada.id, "displayName": "Ada"}
    assert (root["edited"], root["deleted"], root["pinned"], root["replyCount"]) == (False, False, False, 0)

    reply = api.create(bob, video, "Agreed", in_reply_to=root["id"])
    assert reply["inReplyTo"] == root["id"]
    answer = api.create(ada, video, "Thanks Bob", in_reply_to=reply["id"])
    assert answer["inReplyTo"] == reply["id"]  # answers Bob's reply ...

    page = api.list(video).json()  # ... but joins the root's thread: two levels
    assert page["enabled"] is True and page["nextCursor"] is None
    assert [c["id"] for c in page["items"]] == [root["id"]]
    assert page["items"][0]["replyCount"] == 2
    replies = api.replies(root["id"]).json()
    assert [c["id"] for c in replies["items"]] == [reply["id"], answer["id"]]  # oldest first
    assert [c["author"]["displayName"] for c in replies["items"]] == ["Bob", "Ada"]
    # The replies of a reply's thread are the same thread.
    assert [c["id"] for c in api.replies(reply["id"]).json()["items"]] == [reply["id"], answer["id"]]


def test_sixty_comments_page_without_duplicates_or_gaps(comments):
    api = comments
    video = api.video()
    posted = []
    for n in range(6):  # ten each: the rate limit is 10 a minute per user
        user = api.user(f"Poster {n}")
        posted += [api.create(user, video, f"comment {n}-{i}")["id"] for i in range(10)]
    root = posted[0]
    for i in range(3):
        api.create(api.viewer, video, f"reply {i}", in_reply_to=posted[5])
    api.create(api.viewer, video, "reply", in_reply_to=root)

    for sort in ("newest", "oldest", "top"):
        pages = api.pages(lambda **p: api.list(video, **p), limit=7, sort=sort)
        ids = [c["id"] for page in pages for c in page]
        assert len(ids) == 60 and set(ids) == set(posted), sort
        assert len(pages) == 9
        if sort == "newest":
            assert ids == posted[::-1]
        if sort == "oldest":
            assert ids == posted
        if sort == "top":
            assert ids[:2] == [posted[5], root]

    replies = api.pages(lambda **p: api.replies(posted[5], **p), limit=2)
    assert [len(p) for p in replies] == [2, 1]
    assert [c["text"] for p in replies for c in p] == ["reply 0", "reply 1", "reply 2"]


def test_the_author_edits(comments):
    api = comments
    video = api.video()
    ada = api.user("Ada")
    comment = api.create(ada, video, "teh typo")
    edited = api.edit(ada, comment["id"], "the typo")
    assert edited.status_code == 200, edited.text
    assert edited.json()["text"] == "the typo" and edited.json()["edited"] is True
    assert api.list(video).json()["items"][0]["edited"] is True
    assert_error(api.edit(api.viewer, comment["id"], "hijacked"), 403, "permission_denied")
    assert_error(api.edit(api.creator, comment["id"], "the owner may not edit"), 403, "permission_denied")
    assert_error(api.edit(api.admin, comment["id"], "nor the admin"), 403, "permission_denied")
    assert_error(api.edit(None, comment["id"], "anonymous"), 401)
    assert api.list(video).json()["items"][0]["text"] == "the typo"


def test_a_deleted_comment_with_replies_stays_as_a_placeholder(comments):
    api = comments
    video = api.video()
    ada, bob = api.user("Ada"), api.user("Bob")
    root = api.create(ada, video, "something regrettable")
    reply = api.create(bob, video, "hmm", in_reply_to=root["id"])
    lonely = api.create(ada, video, "nobody answers this")

    assert_error(api.delete(bob, root["id"]), 403, "permission_denied")
    assert api.delete(ada, root["id"]).status_code == 204
    assert api.delete(ada, lonely["id"]).status_code == 204

    items = api.list(video).json()["items"]
    assert [c["id"] for c in items] == [root["id"]]  # the lonely one is gone
    placeholder = items[0]
    assert placeholder["deleted"] is True and placeholder["text"] == "" and placeholder["author"] is None
    assert placeholder["replyCount"] == 1
    assert [c["id"] for c in api.replies(root["id"]).json()["items"]] == [reply["id"]]
    assert_error(api.edit(ada, root["id"], "undo"), 404)
    assert_error(api.delete(ada, root["id"]), 404)
    assert_error(api.post(bob, video, "reply to nothing", in_reply_to=root["id"]), 400, "failed_precondition")
    assert "something regrettable" not in api.psql(f"SELECT text FROM comment.comments WHERE id = '{root['id']}'")

    # The video's owner removes the last reply: the placeholder goes with it.
    assert api.delete(api.creator, reply["id"]).status_code == 204
    assert api.list(video).json()["items"] == []


def test_an_admin_deletes_anything(comments):
    api = comments
    video = api.video()
    comment = api.create(api.viewer, video, "spam spam spam")
    assert api.delete(api.admin, comment["id"]).status_code == 204
    assert api.list(video).json()["items"] == []


def test_my_comments_newest_first(comments):
    api = comments
    me = api.user("Me")
    first, second = api.video(), api.video()
    ids = [api.create(me, first, "one")["id"], api.create(me, second, "two")["id"], api.create(me, first, "three")["id"]]
    api.create(api.viewer, first, "not mine")
    assert api.delete(me, ids[1]).status_code == 204
    pages = api.pages(lambda **p: api.mine(me, **p), limit=1)
    assert [c["id"] for p in pages for c in p] == [ids[2], ids[0]]
    assert_error(api.host.get("/api/v1/users/me/comments"), 401)


def test_a_renamed_author_shows_the_new_name(comments):
    api = comments
    video = api.video()
    ada = api.user("Ada")
    comment = api.create(ada, video, "hello")
    assert api.list(video).json()["items"][0]["author"]["displayName"] == "Ada"
    api.psql(f"UPDATE auth.users SET display_name = 'Ada Lovelace' WHERE id = '{ada.id}'")
    # Names are cached for REEL_DISPLAY_NAME_TTL_SECONDS (1 s in these tests).
    wait_until(lambda: api.list(video).json()["items"][0]["author"]["displayName"] == "Ada Lovelace",
               what="the new name")
    assert api.replies(comment["id"]).status_code == 200


def test_video_cards_show_the_owners_display_name(comments):
    api = comments
    owner = api.account("creator")
    video = api.video(owner)
    card = api.get_video(video).json()
    assert card["owner"] == {"id": owner.id, "displayName": "Test User"}
    api.psql(f"UPDATE auth.users SET display_name = 'Studio Owl' WHERE id = '{owner.id}'")
    wait_until(lambda: api.get_video(video).json()["owner"]["displayName"] == "Studio Owl", what="the new name")
    listed = [v for v in api.all_pages() if v["id"] == video]
    assert listed[0]["owner"]["displayName"] == "Studio Owl"
    mine = api.my_videos(owner).json()["items"]
    assert mine[0]["owner"] == {"id": owner.id, "displayName": "Studio Owl"}


def test_the_rate_limit_answers_429(comments):
    api = comments
    video = api.video()
    hasty = api.auth.account(unique_email("hasty"))
    for i in range(10):
        api.create(hasty, video, f"message {i}")
    error = assert_error(api.post(hasty, video, "one too many"), 429, "resource_exhausted")
    assert "retry in" in error["message"]
    assert api.post(api.user(), video, "someone else still may").status_code == 201
