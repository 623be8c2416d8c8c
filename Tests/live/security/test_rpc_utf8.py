"""Issue #19: a proto3 string answered over /rpc was not always UTF-8 — the
C sample echoed a client's invalid bytes back. The gateway now refuses a
protobuf body whose strings are not UTF-8 (400) and never passes on an
answer whose strings are not (500 instead of a corrupt message)."""
from __future__ import annotations

ECHO = "reel.helloc.v1.EchoService/Echo"
PROTO = {"Content-Type": "application/proto", "Connect-Protocol-Version": "1"}


def echo_request(text: bytes) -> bytes:
    return bytes([0x0A, len(text)]) + text  # EchoRequest.text = 1


def test_invalid_utf8_in_a_proto_body_is_refused(start_host, protos):
    host = start_host(plugins=("hello-c",))
    for bad in (b"\xff", b"caf\xc3", b"\xed\xa0\x80", b"ok \xc0\xaf"):
        response = host.post(f"/rpc/{ECHO}", data=echo_request(bad), headers=PROTO)
        assert response.status_code == 400, (bad, response.status_code, response.content[:200])
        assert response.json()["code"] == "invalid_argument"
        assert "UTF-8" in response.json()["message"]
    fine = host.post(f"/rpc/{ECHO}", data=echo_request("café".encode()), headers=PROTO)
    assert fine.status_code == 200, fine.text
    decoded = protos.message("reel.helloc.v1.EchoResponse").FromString(fine.content)
    assert decoded.text.endswith("café")
