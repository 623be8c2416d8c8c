"""Connect protocol conformance at /rpc, driven by a stock client: PyPI
`connectrpc` calls every public method of every plugin (auth, video,
comment, watchlist, notification, transcoder and the samples) with binary
and JSON codecs, with its defaults (gzip request bodies, gzip accepted) and
with compression off, over GET where the .proto marks a method side-effect
free, and reads the server-streaming methods. Raw HTTP checks the edges:
unknown encodings, a gzip bomb, bad gzip, timeouts, protocol versions, GET
rules, the order of the errors."""
import base64
import gzip
import json as jsonlib
import uuid

import pytest
import requests
from connectrpc.client import ConnectClientSync
from connectrpc.code import Code
from connectrpc.errors import ConnectError
from connectrpc.method import IdempotencyLevel, MethodInfo, StreamType
from google.protobuf import descriptor_pb2

from reeltest.auth import PASSWORD, unique_email
from reeltest.proto import codec

AUTH = "reel.auth.v1.AuthService/"
VIDEO = "reel.video.v1.VideoService/"
COMMENT = "reel.comment.v1.CommentService/"
WATCHLIST = "reel.watchlist.v1.WatchlistService/"
NOTIFICATION = "reel.notification.v1.NotificationService/"
TRANSCODER = "reel.transcoder.v1.TranscoderService/"
HOST = "reel.host.v1.TokenAuthority/"
# Refusals that still make the whole round trip (codec, auth, the plugin's answer).
REFUSED = {Code.UNAUTHENTICATED, Code.PERMISSION_DENIED, Code.INVALID_ARGUMENT}


class Calls:
    """What each public method is called with: (fields, account or None, expected error codes or None)."""

    def __init__(self, api):
        self.api = api

    def refresh_token(self) -> str:
        return self.api.auth.login(self.api.viewer.email).json()["refreshToken"]

    def new_video(self) -> str:
        return self.api.insert_video(self.api.creator, title="To delete")

    def case(self, method: str):
        a = self.api
        cases = {
            AUTH + "RegisterUser": lambda: ({"email": unique_email("conformance"), "password": PASSWORD,
                                             "display_name": "Conformance"}, None, None),
            AUTH + "Login": lambda: ({"email": a.viewer.email, "password": PASSWORD}, None, None),
            AUTH + "Refresh": lambda: ({"refresh_token": self.refresh_token()}, None, None),
            AUTH + "Logout": lambda: ({"refresh_token": self.refresh_token()}, a.viewer, None),
            AUTH + "Me": lambda: ({}, a.viewer, None),
            # A wrong current password: the whole round trip, without changing anything.
            AUTH + "ChangePassword": lambda: ({"current_password": "not the password at all",
                                               "new_password": "another long passphrase"}, a.viewer, REFUSED),
            AUTH + "ListUsers": lambda: ({"limit": 5}, a.admin, None),
            AUTH + "SetRole": lambda: ({"id": a.viewer.id, "role": "viewer"}, a.admin, None),
            AUTH + "SetDisabled": lambda: ({"id": a.viewer.id, "disabled": False}, a.admin, None),
            VIDEO + "ListVideos": lambda: ({"limit": 5, "q": "conformance"}, None, None),
            VIDEO + "GetVideo": lambda: ({"id": a.video_id}, None, None),
            VIDEO + "UpdateVideo": lambda: ({"id": a.video_id, "description": "updated"}, a.creator, None),
            VIDEO + "DeleteVideo": lambda: ({"id": self.new_video()}, a.creator, None),
            VIDEO + "ListMyVideos": lambda: ({"limit": 5}, a.creator, None),
            VIDEO + "ReportPosition": lambda: ({"id": a.video_id, "position_seconds": 2.5}, a.viewer, None),
            VIDEO + "ListContinueWatching": lambda: ({}, a.viewer, None),
            VIDEO + "RecordView": lambda: ({"id": a.video_id}, None, None),
            COMMENT + "ListComments": lambda: ({"video_id": a.video_id}, None, None),
            COMMENT + "ListReplies": lambda: ({"id": a.comment_id}, None, None),
            COMMENT + "CreateComment": lambda: ({"video_id": a.video_id, "text": "Over Connect",
                                                 "in_reply_to": a.comment_id}, a.viewer, None),
            COMMENT + "UpdateComment": lambda: ({"id": a.comment_id, "text": "Edited over Connect"}, a.viewer, None),
            COMMENT + "DeleteComment": lambda: ({"id": a.new_comment()}, a.viewer, None),
            COMMENT + "PinComment": lambda: ({"id": a.comment_id}, a.creator, None),
            COMMENT + "UnpinComment": lambda: ({"id": a.comment_id}, a.creator, None),
            COMMENT + "GetCommentSettings": lambda: ({"video_id": a.video_id}, a.creator, None),
            COMMENT + "SetCommentSettings": lambda: ({"video_id": a.video_id, "enabled": True}, a.creator, None),
            COMMENT + "ListMyComments": lambda: ({"limit": 5}, a.viewer, None),
            WATCHLIST + "AddToWatchlist": lambda: ({"video_id": a.video_id}, a.viewer, None),
            WATCHLIST + "RemoveFromWatchlist": lambda: ({"video_id": a.video_id}, a.viewer, None),
            WATCHLIST + "ListWatchlist": lambda: ({"limit": 5}, a.viewer, None),
            WATCHLIST + "WatchlistContains": lambda: ({"ids": [a.video_id]}, a.viewer, None),
            NOTIFICATION + "Subscribe": lambda: ({"creator_id": a.creator.id}, a.viewer, None),
            NOTIFICATION + "Unsubscribe": lambda: ({"creator_id": a.admin.id}, a.viewer, None),
            NOTIFICATION + "ListSubscriptions": lambda: ({"limit": 5}, a.viewer, None),
            NOTIFICATION + "ListSubscriptionVideos": lambda: ({"limit": 5}, a.viewer, None),
            NOTIFICATION + "ListNotifications": lambda: ({"limit": 5, "unread": True}, a.creator, None),
            NOTIFICATION + "MarkRead": lambda: ({"ids": [a.notification_id]}, a.creator, None),
            NOTIFICATION + "MarkAllRead": lambda: ({}, a.viewer, None),
            NOTIFICATION + "GetSettings": lambda: ({}, a.viewer, None),
            NOTIFICATION + "UpdateSettings": lambda: ({"comment_reply": {"web": True, "email": False}}, a.viewer, None),
            NOTIFICATION + "CreateStreamTicket": lambda: ({}, a.viewer, None),
            NOTIFICATION + "GetChannel": lambda: ({"creator_id": a.creator.id}, None, None),
            NOTIFICATION + "ListChannelVideos": lambda: ({"creator_id": a.creator.id, "limit": 5}, None, None),
            TRANSCODER + "GetJob": lambda: ({"video_id": a.job_video_id}, a.admin, None),
            TRANSCODER + "ListJobs": lambda: ({"limit": 5}, a.admin, None),
            "reel.hello.v1.HelloService/Greet": lambda: ({"name": "Conformance"}, None, None),
            "reel.helloc.v1.EchoService/Echo": lambda: ({"text": "conformance"}, None, None),
            "reel.helloc.v1.EchoService/Stats": lambda: ({}, None, None),
        }
        return cases[method]()


# Bus-only methods: /rpc answers them as if they did not exist.
INTERNAL = {AUTH + "GetSigningKeys", AUTH + "GetUser", AUTH + "GetUserProfiles", VIDEO + "MarkProgress",
            VIDEO + "MarkReady", VIDEO + "MarkFailed", VIDEO + "GetVideoAccess", VIDEO + "BatchGetVideos",
            VIDEO + "ListVideosByOwners", TRANSCODER + "EnqueueJob", HOST + "GetVerificationKeys",
            HOST + "ListRevocations"}
# Server-streaming methods (`returns (stream ...)`): test_streaming_method.
STREAMING = {NOTIFICATION + "Stream"}
PUBLIC = sorted(m for m in (
    [AUTH + n for n in ("RegisterUser", "Login", "Refresh", "Logout", "Me", "ChangePassword", "ListUsers",
                         "SetRole", "SetDisabled")]
    + [VIDEO + n for n in ("ListVideos", "GetVideo", "UpdateVideo", "DeleteVideo", "ListMyVideos",
                            "ReportPosition", "ListContinueWatching", "RecordView")]
    + [COMMENT + n for n in ("ListComments", "ListReplies", "CreateComment", "UpdateComment", "DeleteComment",
                              "PinComment", "UnpinComment", "GetCommentSettings", "SetCommentSettings",
                              "ListMyComments")]
    + [WATCHLIST + n for n in ("AddToWatchlist", "RemoveFromWatchlist", "ListWatchlist", "WatchlistContains")]
    + [NOTIFICATION + n for n in ("Subscribe", "Unsubscribe", "ListSubscriptions", "ListSubscriptionVideos",
                                   "ListNotifications", "MarkRead", "MarkAllRead", "GetSettings", "UpdateSettings",
                                   "CreateStreamTicket", "GetChannel", "ListChannelVideos")]
    + [TRANSCODER + n for n in ("GetJob", "ListJobs")]
    + ["reel.hello.v1.HelloService/Greet", "reel.helloc.v1.EchoService/Echo", "reel.helloc.v1.EchoService/Stats"]))


def methods_in_proto(protos) -> dict:
    """Every method of every service in proto/: "pkg.Service/Method" -> descriptor."""
    found = {}
    for service in protos.services:
        for method in protos.pool.FindServiceByName(service).methods:
            found[f"{service}/{method.name}"] = method
    return found


def side_effect_free(method) -> bool:
    options = descriptor_pb2.MethodOptions.FromString(method.GetOptions().SerializeToString())
    return options.idempotency_level == descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS


def method_info(protos, name: str) -> MethodInfo:
    method = methods_in_proto(protos)[name]
    level = IdempotencyLevel.NO_SIDE_EFFECTS if side_effect_free(method) else IdempotencyLevel.UNKNOWN
    stream = StreamType.SERVER_STREAM if method.server_streaming else StreamType.UNARY
    return MethodInfo(name=method.name, service_name=method.containing_service.full_name,
                      input=protos.message(method.input_type.full_name),
                      output=protos.message(method.output_type.full_name), idempotency_level=level, stream_type=stream)


def client(port: int, *, json: bool, gzip_on: bool) -> ConnectClientSync:
    """The stock client: its defaults (gzip both ways), or compression off."""
    options = {"timeout_ms": 30_000}
    if not gzip_on:
        options.update(send_compression=None, accept_compression=())
    return ConnectClientSync(f"http://127.0.0.1:{port}/rpc", codec=codec(json), **options)


def bearer(account) -> dict:
    return {"Authorization": f"Bearer {account.access}"} if account else {}


def test_every_method_of_the_protos_has_a_case(protos):
    """A method (or a whole service) added to a .proto without a case here fails this suite."""
    assert not (set(PUBLIC) & INTERNAL) and not (set(PUBLIC) & STREAMING)
    assert set(methods_in_proto(protos)) == set(PUBLIC) | INTERNAL | STREAMING
    assert {name for name, m in methods_in_proto(protos).items() if m.server_streaming} == STREAMING


@pytest.mark.parametrize("gzip_on", [True, False], ids=["defaults-gzip", "no-compression"])
@pytest.mark.parametrize("json", [False, True], ids=["proto", "json"])
@pytest.mark.parametrize("method", PUBLIC)
def test_public_method(rpc, protos, method, json, gzip_on):
    fields, account, expected = Calls(rpc).case(method)
    info = method_info(protos, method)
    with client(rpc.host.port, json=json, gzip_on=gzip_on) as c:
        if expected is None:
            response = c.execute_unary(request=info.input(**fields), method=info, headers=bearer(account))
            assert isinstance(response, info.output)
        else:
            with pytest.raises(ConnectError) as raised:
                c.execute_unary(request=info.input(**fields), method=info, headers=bearer(account))
            assert raised.value.code in expected


@pytest.mark.parametrize("gzip_on", [True, False], ids=["defaults-gzip", "no-compression"])
@pytest.mark.parametrize("json", [False, True], ids=["proto", "json"])
def test_streaming_method(rpc, protos, json, gzip_on):
    """NotificationService/Stream replays what is newer than after_id, then
    stays open: the creator's notification of the comment comes first."""
    info = method_info(protos, NOTIFICATION + "Stream")
    earlier = str(int(rpc.notification_id) - 1)
    with client(rpc.host.port, json=json, gzip_on=gzip_on) as c:
        stream = c.execute_server_stream(request=info.input(after_id=earlier), method=info,
                                         headers=bearer(rpc.creator))
        first = next(iter(stream))
        assert isinstance(first, info.output)
        assert first.id == rpc.notification_id and first.type == "comment.on_my_video"
        assert first.comment.id == rpc.comment_id
        stream.close()
    # Signed out: the stream's end-of-stream error, read by the stock client.
    with client(rpc.host.port, json=json, gzip_on=gzip_on) as c:
        with pytest.raises(ConnectError) as raised:
            next(iter(c.execute_server_stream(request=info.input(), method=info)))
        assert raised.value.code == Code.UNAUTHENTICATED


@pytest.mark.parametrize("json", [False, True], ids=["proto", "json"])
def test_get_for_side_effect_free_methods(rpc, protos, json):
    free = sorted(name for name, m in methods_in_proto(protos).items() if side_effect_free(m))
    assert set(free) >= {VIDEO + "ListVideos", VIDEO + "GetVideo", AUTH + "Me", NOTIFICATION + "ListNotifications",
                         NOTIFICATION + "GetChannel"}
    assert not set(free) & INTERNAL
    for name in free:
        fields, account, _ = Calls(rpc).case(name)
        info = method_info(protos, name)
        with client(rpc.host.port, json=json, gzip_on=True) as c:
            response = c.execute_unary(request=info.input(**fields), method=info, headers=bearer(account),
                                       use_get=True)
            assert isinstance(response, info.output), name


def test_get_answers_what_post_answers_and_is_cacheable(rpc, protos):
    request = protos.message("reel.video.v1.GetVideoRequest")(id=rpc.video_id)
    message = base64.urlsafe_b64encode(request.SerializeToString()).decode().rstrip("=")
    url = f"/rpc/{VIDEO}GetVideo?connect=v1&encoding=proto&base64=1&message={message}"
    got = rpc.host.get(url)
    assert got.status_code == 200, got.text
    assert got.headers["Content-Type"] == "application/proto"
    assert "Accept-Encoding" in got.headers["Vary"]
    video = protos.message("reel.video.v1.Video").FromString(got.content)
    assert video.id == rpc.video_id and video.title == "Conformance clip"
    # JSON without base64, and a gzipped message (compression=gzip).
    text = jsonlib.dumps({"id": rpc.video_id})
    got = rpc.host.get(f"/rpc/{VIDEO}GetVideo", params={"connect": "v1", "encoding": "json", "message": text})
    assert got.status_code == 200 and got.json()["id"] == rpc.video_id, got.text
    zipped = base64.urlsafe_b64encode(gzip.compress(request.SerializeToString())).decode()
    got = rpc.host.get(f"/rpc/{VIDEO}GetVideo?connect=v1&encoding=proto&base64=1&compression=gzip&message={zipped}")
    assert got.status_code == 200, got.text


def test_get_is_refused_where_it_does_not_belong(rpc, protos):
    greet = base64.urlsafe_b64encode(protos.message("reel.hello.v1.GreetRequest")(name="x").SerializeToString())
    got = rpc.host.get(f"/rpc/reel.hello.v1.HelloService/Greet?connect=v1&encoding=proto&base64=1&message={greet.decode()}")
    assert got.status_code == 405 and got.headers["Allow"] == "POST"
    assert got.json()["code"] == "unimplemented"
    for query, code in (("connect=v1&message=e30", "invalid_argument"),          # no encoding
                        ("connect=v1&encoding=proto", "invalid_argument"),        # no message
                        ("connect=v2&encoding=json&message=%7B%7D", "invalid_argument"),
                        ("connect=v1&encoding=json&message=%7B%7D&compression=br", "unimplemented"),
                        ("connect=v1&encoding=proto&base64=1&message=%21%21", "invalid_argument")):
        got = rpc.host.get(f"/rpc/{VIDEO}ListVideos?{query}")
        assert got.json()["code"] == code, (query, got.status_code, got.text)
        assert 400 <= got.status_code < 600


def post(rpc, method: str, body: bytes, **headers) -> requests.Response:
    return rpc.host.post(f"/rpc/{method}", data=body,
                         headers={"Content-Type": "application/proto", "Connect-Protocol-Version": "1", **headers})


def test_gzip_both_ways_on_the_wire(rpc, protos):
    request = protos.message("reel.helloc.v1.EchoRequest")(text="z" * 900)
    got = requests.post(rpc.host.url("/rpc/reel.helloc.v1.EchoService/Echo"),
                        data=gzip.compress(request.SerializeToString()), stream=True,
                        headers={"Content-Type": "application/proto", "Content-Encoding": "gzip",
                                 "Accept-Encoding": "gzip"}, timeout=30)
    raw = got.raw.read(decode_content=False)
    assert got.status_code == 200
    assert got.headers["Content-Encoding"] == "gzip"
    response = protos.message("reel.helloc.v1.EchoResponse").FromString(gzip.decompress(raw))
    assert response.text.endswith("z" * 900)
    # Small answers, or a client that does not accept gzip: identity.
    got = post(rpc, "reel.helloc.v1.EchoService/Echo", request.SerializeToString(), **{"Accept-Encoding": "identity"})
    assert got.status_code == 200 and "Content-Encoding" not in got.headers


def test_unknown_encoding_is_unimplemented_and_lists_what_is_accepted(rpc, protos):
    body = protos.message("reel.helloc.v1.EchoRequest")(text="hi").SerializeToString()
    got = post(rpc, "reel.helloc.v1.EchoService/Echo", body, **{"Content-Encoding": "br"})
    assert got.status_code == 501
    assert got.json()["code"] == "unimplemented"
    assert "gzip" in got.json()["message"] and "identity" in got.json()["message"]
    assert got.headers["Accept-Encoding"] == "gzip, identity"
    # identity is accepted by name.
    got = post(rpc, "reel.helloc.v1.EchoService/Echo", body, **{"Content-Encoding": "identity"})
    assert got.status_code == 200, got.text


def test_gzip_bomb_is_refused_not_inflated(rpc):
    # 64 MiB of zeros in ~64 KiB: far past the 1 MiB body limit once inflated.
    bomb = gzip.compress(bytes(64 << 20), compresslevel=9)
    assert len(bomb) < 1 << 20
    got = post(rpc, "reel.helloc.v1.EchoService/Echo", bomb, **{"Content-Encoding": "gzip"})
    assert got.status_code == 413, got.text
    assert got.json()["code"] == "resource_exhausted"
    assert "inflates past the limit" in got.json()["message"]
    rpc.host.assert_healthy()


def test_bad_gzip_is_invalid_argument(rpc, protos):
    body = gzip.compress(protos.message("reel.helloc.v1.EchoRequest")(text="hi").SerializeToString())
    for broken in (b"not gzip at all", body[:-6], body + b"trailing"):
        got = post(rpc, "reel.helloc.v1.EchoService/Echo", broken, **{"Content-Encoding": "gzip"})
        assert got.status_code == 400 and got.json()["code"] == "invalid_argument", got.text


def test_connect_timeout_reaches_the_bus_call(rpc, protos):
    # A login hashes the password (argon2): far longer than 1 ms.
    body = protos.message("reel.auth.v1.LoginRequest")(email=rpc.viewer.email, password=PASSWORD).SerializeToString()
    got = post(rpc, AUTH + "Login", body, **{"Connect-Timeout-Ms": "1"})
    assert got.status_code == 504, got.text
    assert got.json()["code"] == "deadline_exceeded"
    with client(rpc.host.port, json=False, gzip_on=True) as c:
        info = method_info(protos, AUTH + "Login")
        with pytest.raises(ConnectError) as raised:
            c.execute_unary(request=info.input(email=rpc.viewer.email, password=PASSWORD), method=info, timeout_ms=1)
        assert raised.value.code == Code.DEADLINE_EXCEEDED
    # A generous deadline changes nothing.
    got = post(rpc, AUTH + "Login", body, **{"Connect-Timeout-Ms": "30000"})
    assert got.status_code == 200, got.text
    for bad in ("0", "-5", "abc", "12345678901", "1.5"):
        got = post(rpc, AUTH + "Login", body, **{"Connect-Timeout-Ms": bad})
        assert got.status_code == 400 and got.json()["code"] == "invalid_argument", (bad, got.text)


def test_protocol_version_is_checked(rpc, protos):
    body = protos.message("reel.helloc.v1.EchoRequest")(text="hi").SerializeToString()
    got = post(rpc, "reel.helloc.v1.EchoService/Echo", body, **{"Connect-Protocol-Version": "2"})
    assert got.status_code == 400 and got.json()["code"] == "invalid_argument"
    assert "Connect-Protocol-Version" in got.json()["message"]


def test_internal_methods_do_not_exist_outside(rpc, protos):
    for name in sorted(INTERNAL):
        got = post(rpc, name, b"")
        assert got.status_code == 404 and got.json()["code"] == "unimplemented", name
    got = post(rpc, f"reel.nothing.v1.Nope/{uuid.uuid4().hex}", b"")
    assert got.status_code == 404


def request_id_of(detail_value: bytes) -> str:
    """google.rpc.RequestInfo's request_id (field 1) from its bytes."""
    assert detail_value[0] == 0x0A
    length, at = 0, 1
    for shift in range(0, 35, 7):
        byte = detail_value[at]
        at += 1
        length |= (byte & 0x7F) << shift
        if byte < 0x80:
            break
    return detail_value[at:at + length].decode()


def test_error_details_carry_the_request_id(rpc, protos):
    body = protos.message("reel.helloc.v1.EchoRequest")(text="").SerializeToString()
    got = post(rpc, "reel.helloc.v1.EchoService/Echo", body)
    assert got.status_code == 400
    [detail] = got.json()["details"]
    assert detail["type"] == "google.rpc.RequestInfo"
    value = base64.b64decode(detail["value"] + "=" * (-len(detail["value"]) % 4))
    assert request_id_of(value) == got.headers["X-Request-Id"]
    # The stock client reads them as google.protobuf.Any.
    info = method_info(protos, "reel.helloc.v1.EchoService/Echo")
    with client(rpc.host.port, json=True, gzip_on=True) as c:
        with pytest.raises(ConnectError) as raised:
            c.execute_unary(request=info.input(text=""), method=info)
    [detail] = raised.value.details
    assert detail.type_name == "google.rpc.RequestInfo"
    assert request_id_of(detail.message_bytes)


def test_errors_come_in_the_specs_order(rpc):
    """The method first: an unknown one is 404 unimplemented whatever the HTTP
    method or content type; then the HTTP method (405 with Allow); then the
    content type (415)."""
    unknown = f"/rpc/{VIDEO}{uuid.uuid4().hex}"
    for method, headers in (("POST", {"Content-Type": "application/connect+proto"}),
                            ("POST", {"Content-Type": "text/plain"}),
                            ("GET", {}), ("PUT", {"Content-Type": "application/proto"})):
        got = rpc.host.request(method, unknown, data=b"\0\0\0\0\0", headers=headers,
                               params={"connect": "v1", "encoding": "json", "message": "{}"} if method == "GET" else None)
        assert got.status_code == 404 and got.json()["code"] == "unimplemented", (method, headers, got.text)
    for method, allow in ((VIDEO + "GetVideo", "GET, POST"), (VIDEO + "UpdateVideo", "POST"),
                          (NOTIFICATION + "Stream", "POST")):
        got = rpc.host.request("PUT", f"/rpc/{method}", data=b"{}", headers={"Content-Type": "application/json"})
        assert got.status_code == 405 and got.headers["Allow"] == allow, (method, got.status_code, got.text)
        assert got.json()["code"] == "unimplemented"
    got = rpc.host.request("POST", f"/rpc/{VIDEO}GetVideo", data=b"\0\0\0\0\0",
                           headers={"Content-Type": "application/connect+proto"})
    assert got.status_code == 415 and got.json()["code"] == "invalid_argument", got.text
    # A streaming method: its content type before the caller (415 signed out),
    # then the refused caller, in Connect's error shape.
    stream = f"/rpc/{NOTIFICATION}Stream"
    got = rpc.host.post(stream, data=b"", headers={"Content-Type": "text/plain"})
    assert got.status_code == 415 and got.json()["code"] == "invalid_argument", got.text
    got = rpc.host.post(stream, data=b"\0\0\0\0\x02{}", headers={"Content-Type": "application/connect+json"})
    assert got.status_code == 401 and got.json()["code"] == "unauthenticated", got.text
