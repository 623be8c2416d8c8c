"""NotificationService/Stream over the Connect protocol's server streaming
(HTTP/1.1, the host's generic envelope framing), with a raw HTTP client:
envelopes in +json and +proto, the end-of-stream message, refusals."""
import gzip
import json
import socket
import struct

STREAM = "/rpc/reel.notification.v1.NotificationService/Stream"


class ConnectStream:
    """POST a one-message request; read the chunked body as envelopes."""

    def __init__(self, port: int, token: str | None, codec: str, message: bytes, extra_headers=None, flags: int = 0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        body = struct.pack(">BI", flags, len(message)) + message
        headers = [f"POST {STREAM} HTTP/1.1", "Host: 127.0.0.1", f"Content-Type: application/connect+{codec}",
                   "Connect-Protocol-Version: 1", f"Content-Length: {len(body)}"]
        if token:
            headers.append(f"Authorization: Bearer {token}")
        headers += extra_headers or []
        self.sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode() + body)
        self.raw = b""
        while b"\r\n\r\n" not in self.raw:
            self.raw += self.sock.recv(65536)
        head, self.raw = self.raw.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:]}
        self.data = b""  # the body without chunked coding
        self.done = False

    def _fill(self) -> None:
        if self.headers.get("transfer-encoding") != "chunked":
            length = int(self.headers.get("content-length", "0"))
            while len(self.raw) < length:
                self.raw += self.sock.recv(65536)
            self.data, self.done = self.raw[:length], True
            return
        while b"\r\n" in self.raw:
            size_line, rest = self.raw.split(b"\r\n", 1)
            size = int(size_line, 16)
            if size == 0:
                self.done = True
                return
            if len(rest) < size + 2:
                break
            self.data += rest[:size]
            self.raw = rest[size + 2:]
            return
        chunk = self.sock.recv(65536)
        self.done = self.done or not chunk
        self.raw += chunk

    def envelopes(self):
        out, data = [], self.data
        while len(data) >= 5:
            flags, length = struct.unpack(">BI", data[:5])
            if len(data) < 5 + length:
                break
            out.append((flags, data[5:5 + length]))
            data = data[5 + length:]
        return out

    def wait(self, count: int):
        while len(self.envelopes()) < count:
            assert not self.done, f"the stream ended early: {self.envelopes()}"
            self._fill()
        return self.envelopes()

    def close(self):
        self.sock.close()


def test_connect_json_stream_sends_new_notifications_and_ends_with_an_end_stream_message(notify, protos):
    api = notify
    creator, fan = api.account("creator"), api.account("viewer")
    api.follow(fan, creator.id)
    first = api.publish(protos, creator, title="Before the stream")
    earliest = api.wait_feed(fan, lambda n: n["video"]["id"] == first, "the first")[0]["id"]
    stream = ConnectStream(api.host.port, fan.access, "json", json.dumps({"afterId": str(int(earliest) - 1)}).encode())
    try:
        assert stream.status == 200
        assert stream.headers["content-type"] == "application/connect+json"
        replayed = stream.wait(1)[0]
        assert replayed[0] == 0 and json.loads(replayed[1])["video"]["id"] == first
        live = api.publish(protos, creator, title="During the stream")
        flags, data = stream.wait(2)[1]
        message = json.loads(data)
        assert flags == 0 and message["type"] == "subscription.video" and message["video"]["id"] == live
    finally:
        stream.close()


def test_connect_proto_stream_and_the_end_of_stream_when_the_host_stops(reel_env, start_host, protos, fresh_database):
    from reeltest.notify import make_notify_api
    url = fresh_database
    api = make_notify_api(start_host, reel_env, url)
    creator, fan = api.account("creator"), api.account("viewer")
    api.follow(fan, creator.id)
    request = protos.message("reel.notification.v1.StreamRequest")()
    stream = ConnectStream(api.host.port, fan.access, "proto", request.SerializeToString())
    assert stream.status == 200 and stream.headers["content-type"] == "application/connect+proto"
    video = api.publish(protos, creator, title="Proto")
    flags, data = stream.wait(1)[0]
    notification = protos.message("reel.notification.v1.Notification").FromString(data)
    assert flags == 0 and notification.video.id == video and notification.type == "subscription.video"
    api.host.stop()
    envelopes = stream.wait(2)
    flags, data = envelopes[-1]
    assert flags == 0x02
    assert json.loads(data)["error"]["code"] == "unavailable"


def test_connect_stream_refusals(notify, protos):
    api = notify
    fan = api.account("viewer")
    # Unary content types: this method only streams.
    unary = api.host.post(STREAM, data=b"", headers={**fan.bearer, "Content-Type": "application/proto"})
    assert unary.status_code == 415 and "server-streaming" in unary.json()["message"]
    # Signed out: refused before any stream.
    anonymous = ConnectStream(api.host.port, None, "json", b"{}")
    assert anonymous.status == 401
    # A malformed message: 200 and the end-of-stream error.
    bad = ConnectStream(api.host.port, fan.access, "json", b"{not json")
    assert bad.status == 200
    flags, data = bad.wait(1)[0]
    assert flags == 0x02 and json.loads(data)["error"]["code"] == "invalid_argument"
    bad_id = ConnectStream(api.host.port, fan.access, "json", b'{"afterId": "x"}')
    flags, data = bad_id.wait(1)[0]
    assert flags == 0x02 and json.loads(data)["error"]["code"] == "invalid_argument"


def test_the_connectrpc_client_reads_the_stream_and_its_end_of_stream_error(reel_env, start_host, protos, fresh_database):
    """PyPI connectrpc, a third-party Connect client, on the same stream."""
    from connectrpc.client import ConnectClientSync
    from connectrpc.code import Code
    from connectrpc.errors import ConnectError
    from connectrpc.method import IdempotencyLevel, MethodInfo, StreamType

    from reeltest.notify import make_notify_api
    from reeltest.proto import codec
    url = fresh_database
    api = make_notify_api(start_host, reel_env, url)
    creator, fan = api.account("creator"), api.account("viewer")
    api.follow(fan, creator.id)
    video = api.publish(protos, creator, title="For connectrpc")
    item = api.wait_feed(fan, lambda n: n["video"]["id"] == video, "the notification")[0]
    info = MethodInfo(name="Stream", service_name="reel.notification.v1.NotificationService",
                      input=protos.message("reel.notification.v1.StreamRequest"),
                      output=protos.message("reel.notification.v1.Notification"),
                      idempotency_level=IdempotencyLevel.UNKNOWN, stream_type=StreamType.SERVER_STREAM)
    for json_codec in (False, True):
        with ConnectClientSync(f"http://127.0.0.1:{api.host.port}/rpc", codec=codec(json_codec), send_compression=None,
                               accept_compression=(), timeout_ms=30_000) as client:
            stream = client.execute_server_stream(request=info.input(after_id=str(int(item["id"]) - 1)), method=info,
                                                  headers={"Authorization": f"Bearer {fan.access}"})
            first = next(iter(stream))
            assert first.video.id == video and first.type == "subscription.video"
            if json_codec:
                api.host.stop()
                try:
                    for _ in stream:
                        pass
                    raise AssertionError("the stream ended without an error")
                except ConnectError as error:
                    assert error.code == Code.UNAVAILABLE
            else:
                stream.close()


def test_connect_timeout_ends_the_stream_with_deadline_exceeded(notify, protos):
    api = notify
    creator, fan = api.account("creator"), api.account("viewer")
    api.follow(fan, creator.id)
    stream = ConnectStream(api.host.port, fan.access, "json", b"{}", extra_headers=["Connect-Timeout-Ms: 1500"])
    try:
        assert stream.status == 200
        video = api.publish(protos, creator, title="Before the deadline")
        flags, data = stream.wait(1)[0]
        assert flags == 0 and json.loads(data)["video"]["id"] == video
        flags, data = stream.wait(2)[1]  # the deadline passes: the end of the stream, not a heartbeat later
        assert flags == 0x02 and json.loads(data)["error"]["code"] == "deadline_exceeded"
        while not stream.done:
            stream._fill()
    finally:
        stream.close()
    bad = api.host.post(STREAM, data=struct.pack(">BI", 0, 2) + b"{}",
                        headers={**fan.bearer, "Content-Type": "application/connect+json", "Connect-Timeout-Ms": "soon"})
    flags, length = struct.unpack(">BI", bad.content[:5])
    assert bad.status_code == 200 and flags == 0x02
    assert json.loads(bad.content[5:5 + length])["error"]["code"] == "invalid_argument"


def test_connect_stream_takes_a_gzip_request_message(notify, protos):
    api = notify
    creator, fan = api.account("creator"), api.account("viewer")
    api.follow(fan, creator.id)
    first = api.publish(protos, creator, title="Replayed after a gzip request")
    earliest = api.wait_feed(fan, lambda n: n["video"]["id"] == first, "the first")[0]["id"]
    message = gzip.compress(json.dumps({"afterId": str(int(earliest) - 1)}).encode())
    stream = ConnectStream(api.host.port, fan.access, "json", message, flags=0x01,
                           extra_headers=["Connect-Content-Encoding: gzip"])
    try:
        assert stream.status == 200
        flags, data = stream.wait(1)[0]
        assert flags == 0 and json.loads(data)["video"]["id"] == first
    finally:
        stream.close()
    # Flagged compressed without an encoding, and an unknown encoding: end-of-stream errors.
    for headers, code in (([], "invalid_argument"), (["Connect-Content-Encoding: br"], "unimplemented")):
        bad = ConnectStream(api.host.port, fan.access, "json", message, flags=0x01, extra_headers=headers)
        try:
            flags, data = bad.wait(1)[0]
            assert flags == 0x02 and json.loads(data)["error"]["code"] == code
        finally:
            bad.close()
