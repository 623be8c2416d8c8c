"""hello-c's raw HTTP routes (ABI 1.2): a body streamed to the plugin chunk by
chunk, a refusal before any body byte, the per-route body limit, and a file
answered with sendfile — the mechanics uploads and media serving rely on."""
import hashlib
import os
import socket

UPLOAD = "/api/v1/echo/upload"
LIMIT = 64 << 20


def fnv1a(data: bytes) -> str:
    h = 14695981039346656037
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return format(h, "016x")


def chunks(data: bytes, size: int):
    for i in range(0, len(data), size):
        yield data[i:i + size]


def test_a_streamed_body_reaches_the_plugin_intact(shared_host):
    data = os.urandom(3 * 1024 * 1024 + 17)
    expected = {"bytes": len(data), "fnv1a": fnv1a(data), "aborted": False}
    with_length = shared_host.request("PUT", UPLOAD, data=data)
    assert with_length.status_code == 200, with_length.text
    assert with_length.json() == expected
    chunked = shared_host.request("PUT", UPLOAD, data=chunks(data, 65536))  # Transfer-Encoding: chunked
    assert chunked.status_code == 200, chunked.text
    assert chunked.json() == expected
    assert with_length.headers["Reel-Plugin"].startswith("hello-c/")


def test_an_empty_body_is_fine(shared_host):
    response = shared_host.request("PUT", UPLOAD, data=b"")
    assert response.json() == {"bytes": 0, "fnv1a": "cbf29ce484222325", "aborted": False}


def test_the_plugin_can_refuse_before_the_body(shared_host):
    response = shared_host.request("PUT", UPLOAD, data=b"x" * 100000, headers={"x-refuse": "1"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert shared_host.get("/healthz").status_code == 200


def test_the_route_limit_applies_not_the_json_limit(shared_host):
    # Far over the host's JSON body limit, under the route's own 64 MiB.
    assert shared_host.request("PUT", UPLOAD, data=b"\0" * (2 * 1024 * 1024)).status_code == 200
    declared = shared_host.request("PUT", UPLOAD, data=b"", headers={"Content-Length": str(LIMIT + 1)})
    assert declared.status_code == 413
    assert "67108864" in declared.json()["error"]["message"]

    def endless():
        block = b"\0" * (1 << 20)
        for _ in range(LIMIT // len(block) + 2):
            yield block
    chunked = shared_host.request("PUT", UPLOAD, data=endless())
    assert chunked.status_code == 413


def test_a_client_that_leaves_mid_body_does_not_hurt_the_host(shared_host):
    host, port = shared_host.url("/").split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port))) as s:
        s.sendall(f"PUT {UPLOAD} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n".encode() + b"a" * 1000)
    assert shared_host.request("PUT", UPLOAD, data=b"abc").json()["bytes"] == 3


def test_a_file_answered_with_sendfile(shared_host):
    response = shared_host.get("/api/v1/echo/file")
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert len(lines) == 1000 and lines[0] == "line 0000: hello from hello-c"
    assert response.headers["Content-Length"] == str(len(response.content)) == "30000"
    assert response.headers["Content-Type"].startswith("text/plain")
    head = shared_host.request("HEAD", "/api/v1/echo/file")
    assert head.status_code == 200 and head.content == b"" and head.headers["Content-Length"] == "30000"
    assert hashlib.sha256(response.content).hexdigest() == hashlib.sha256(shared_host.get("/api/v1/echo/file").content).hexdigest()
