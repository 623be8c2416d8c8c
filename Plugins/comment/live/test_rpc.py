"""The same methods over /rpc with protobuf bodies (Connect unary)."""
from reeltest.comment import assert_error


def message(protos, name, **fields):
    return protos.message(f"reel.comment.v1.{name}")(**fields)


def test_every_method_over_rpc(comments, protos):
    api = comments
    video = api.video()
    ada = api.user("Ada")

    def call(method, request_name, account, output, **fields):
        response = api.rpc(method, message(protos, request_name, **fields), account)
        assert response.status_code == 200, (method, response.text)
        assert response.headers["Content-Type"] == "application/proto"
        return protos.message(f"reel.comment.v1.{output}").FromString(response.content)

    root = call("CreateComment", "CreateCommentRequest", ada, "Comment", video_id=video, text="over the wire")
    assert root.text == "over the wire" and root.author.display_name == "Ada" and not root.HasField("in_reply_to")
    reply = call("CreateComment", "CreateCommentRequest", api.viewer, "Comment", video_id=video, text="re",
                 in_reply_to=root.id)
    assert reply.in_reply_to == root.id

    page = call("ListComments", "ListCommentsRequest", None, "CommentPage", video_id=video, limit=10)
    assert [c.id for c in page.items] == [root.id] and page.items[0].reply_count == 1 and page.enabled
    assert not page.HasField("next_cursor")
    replies = call("ListReplies", "ListRepliesRequest", None, "CommentPage", id=root.id)
    assert [c.id for c in replies.items] == [reply.id]

    edited = call("UpdateComment", "UpdateCommentRequest", ada, "Comment", id=root.id, text="edited over the wire")
    assert edited.edited and edited.text == "edited over the wire"
    assert call("PinComment", "PinCommentRequest", api.creator, "Comment", id=root.id).pinned
    assert not call("UnpinComment", "UnpinCommentRequest", api.creator, "Comment", id=root.id).pinned

    settings = call("SetCommentSettings", "SetCommentSettingsRequest", api.creator, "CommentSettings",
                    video_id=video, enabled=False)
    assert settings.HasField("enabled") and not settings.enabled
    assert not call("GetCommentSettings", "GetCommentSettingsRequest", api.creator, "CommentSettings",
                    video_id=video).enabled
    off = call("ListComments", "ListCommentsRequest", None, "CommentPage", video_id=video)
    assert off.HasField("enabled") and not off.enabled and len(off.items) == 0
    call("SetCommentSettings", "SetCommentSettingsRequest", api.creator, "CommentSettings", video_id=video, enabled=True)

    mine = call("ListMyComments", "ListMyCommentsRequest", ada, "CommentPage")
    assert [c.id for c in mine.items] == [root.id]

    deleted = api.rpc("DeleteComment", message(protos, "DeleteCommentRequest", id=root.id), ada)
    assert deleted.status_code == 200 and deleted.content == b""
    placeholder = call("ListComments", "ListCommentsRequest", None, "CommentPage", video_id=video).items[0]
    assert placeholder.deleted and placeholder.text == "" and not placeholder.HasField("author")


def test_rpc_errors_are_connect_errors(comments, protos):
    api = comments
    video = api.video()
    empty = api.rpc("CreateComment", message(protos, "CreateCommentRequest", video_id=video, text=" "), api.viewer)
    assert empty.status_code == 400 and empty.json()["code"] == "invalid_argument"
    anonymous = api.rpc("CreateComment", message(protos, "CreateCommentRequest", video_id=video, text="hi"))
    assert anonymous.status_code == 401
    unknown = api.rpc("ListReplies", message(protos, "ListRepliesRequest", id="00000000-0000-4000-8000-000000000000"))
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    garbage = api.host.post("/rpc/reel.comment.v1.CommentService/ListComments", data=b"\xff\xff\xff",
                            headers={"Content-Type": "application/proto"})
    assert garbage.status_code == 400
    assert_error(api.list(video, limit=0), 400)
