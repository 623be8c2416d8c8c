"""Bad input is a clear 4xx JSON error, never a 5xx."""
import uuid

import pytest

from reeltest.comment import assert_error


@pytest.fixture(scope="module")
def setup(comments):
    api = comments
    video, other = api.video(), api.video()
    author = api.user("Author")
    comment = api.create(author, video, "a comment")
    elsewhere = api.create(author, other, "on another video")
    return api, video, author, comment, elsewhere


@pytest.mark.parametrize("text", ["", "   \n\t ", "x" * 100_000, "x" * 5001, "bell\u0007", "esc\u001b[2J", "c1\u0085",
                                  None, 42, ["list"]])
def test_bad_text(setup, text):
    api, video, author, comment, _ = setup
    assert_error(api.post(api.viewer, video, text), 400, "invalid_argument")
    assert_error(api.edit(author, comment["id"], text), 400, "invalid_argument")


def test_the_longest_text_and_emoji_pass(setup):
    api, video, author, comment, _ = setup
    longest = "é" * 5000
    assert api.edit(author, comment["id"], longest).json()["text"] == longest
    family = "👩\u200d👩\u200d👧 ❤\ufe0f"
    assert api.edit(author, comment["id"], family).json()["text"] == family


def test_invalid_utf8_json_body(setup):
    api, video, *_ = setup
    body = b'{"text": "caf\xc3\x28 au lait"}'
    response = api.host.post(f"/api/v1/videos/{video}/comments", data=body,
                             headers={"Content-Type": "application/json", **api.viewer.bearer})
    assert_error(response, 400)


def test_invalid_utf8_protobuf_body(setup, protos):
    api, video, *_ = setup
    # Field 1 (video_id) then field 2 (text) with a broken UTF-8 sequence, written by hand.
    vid = video.encode()
    text = b"caf\xc3\x28"
    body = bytes([0x0A, len(vid)]) + vid + bytes([0x12, len(text)]) + text
    response = api.host.post("/rpc/reel.comment.v1.CommentService/CreateComment", data=body,
                             headers={"Content-Type": "application/proto", **api.viewer.bearer})
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_argument"


def test_unknown_things(setup):
    api, video, author, comment, elsewhere = setup
    unknown = str(uuid.uuid4())
    assert_error(api.post(api.viewer, unknown, "hello"), 404, "not_found")
    assert_error(api.post(api.viewer, "not-a-uuid", "hello"), 404, "not_found")
    assert_error(api.list(unknown), 404, "not_found")
    assert_error(api.post(api.viewer, video, "hello", in_reply_to=unknown), 404, "not_found")
    assert_error(api.post(api.viewer, video, "hello", in_reply_to="nope"), 404, "not_found")
    assert_error(api.post(api.viewer, video, "hello", in_reply_to=elsewhere["id"]), 400, "invalid_argument")
    assert_error(api.replies(unknown), 404, "not_found")
    assert_error(api.edit(author, unknown, "x"), 404, "not_found")
    assert_error(api.delete(author, unknown), 404, "not_found")
    assert_error(api.pin(api.creator, unknown), 404, "not_found")
    assert_error(api.settings(api.creator, unknown), 404, "not_found")


def test_someone_elses_comment(setup):
    api, video, author, comment, _ = setup
    assert_error(api.edit(api.viewer, comment["id"], "mine now"), 403, "permission_denied")
    assert_error(api.delete(api.viewer, comment["id"]), 403, "permission_denied")


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"limit": "many"}, {"sort": "loudest"},
                                    {"cursor": "garbage"}, {"cursor": "bjp4"}])
def test_bad_listing_parameters(setup, params):
    api, video, _, comment, _ = setup
    response = api.list(video, **params)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["error"]["code"] == "invalid_argument"
    if "sort" not in params:
        assert 400 <= api.replies(comment["id"], **params).status_code < 500


def test_a_cursor_of_another_order(setup):
    api, video, author, _, _ = setup
    for i in range(3):
        api.create(author, video, f"more {i}")
    cursor = api.list(video, limit=1).json()["nextCursor"]
    assert cursor
    assert_error(api.list(video, limit=1, sort="top", cursor=cursor), 400, "invalid_argument")
    assert_error(api.mine(author, cursor=cursor), 400, "invalid_argument")


def test_bad_bodies(setup):
    api, video, author, comment, _ = setup
    for body in (b"{", b"[]", b'"text"', b'{"text": "x", "unknownField": 1}'):
        response = api.host.post(f"/api/v1/videos/{video}/comments", data=body,
                                 headers={"Content-Type": "application/json", **api.viewer.bearer})
        assert 400 <= response.status_code < 500, (body, response.text)
    response = api.host.post(f"/api/v1/videos/{video}/comments", data=b"text=hi",
                             headers={"Content-Type": "application/x-www-form-urlencoded", **api.viewer.bearer})
    assert 400 <= response.status_code < 500
