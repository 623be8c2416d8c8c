"""comment.created from the real comment plugin: the video's owner hears of a
comment, a comment's author of a reply; nobody of their own."""
from reeltest.notify import make_notify_api


def test_comments_and_replies_notify_the_owner_and_the_parent_author(reel_env, start_host, protos, fresh_database):
    url = fresh_database
    api = make_notify_api(start_host, reel_env, url, plugins=("auth", "video", "comment", "notification"))
    owner, fan, other = api.account("creator"), api.account("viewer"), api.account("viewer")
    video = api.publish(protos, owner, title="Talk about it")

    def comment(who, text, reply_to=None):
        body = {"text": text, **({"inReplyTo": reply_to} if reply_to else {})}
        response = api.host.post(f"/api/v1/videos/{video}/comments", json=body, headers=who.bearer)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    first = comment(fan, "Nice one")
    got = api.wait_feed(owner, lambda n: n["type"] == "comment.on_my_video", "the owner's comment notice")[0]
    assert got["comment"]["id"] == first and got["actor"]["id"] == fan.id and got["video"]["title"] == "Talk about it"

    reply = comment(other, "Agreed", reply_to=first)
    heard = api.wait_feed(fan, lambda n: n["type"] == "comment.reply", "the reply notice")[0]
    assert heard["comment"]["id"] == reply and heard["actor"]["id"] == other.id
    api.wait_feed(owner, lambda n: n["type"] == "comment.on_my_video" and n["comment"]["id"] == reply,
                  "the owner hears of the reply too")

    mine = comment(owner, "Thanks!")  # the owner's own comment: nobody is told of their own action
    own_reply = comment(fan, "More", reply_to=first)  # a reply to your own comment: not to yourself
    api.wait_feed(owner, lambda n: n["comment"] and n["comment"]["id"] == own_reply, "the last reply reached the owner")
    assert not [n for n in api.feed(owner, limit=100)["items"] if n["comment"] and n["comment"]["id"] == mine]
    assert not [n for n in api.feed(fan, limit=100)["items"] if n["comment"] and n["comment"]["id"] == own_reply]
