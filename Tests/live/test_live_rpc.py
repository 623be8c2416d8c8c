"""The binary protocol: POST /rpc/<package>.<Service>/<Method>, Connect unary
calls with protobuf (or JSON) bodies, through PyPI connectrpc's client and as
raw HTTP. The messages come from proto/ at runtime (reelproto.py)."""
import re

import pytest
from connectrpc.code import Code
from connectrpc.errors import ConnectError

from reeltest.host import unique

GREET = "reel.hello.v1.HelloService/Greet"
ECHO = "reel.helloc.v1.EchoService/Echo"
STATS = "reel.helloc.v1.EchoService/Stats"
CONNECT_HEADERS = {"Connect-Protocol-Version": "1"}


@pytest.mark.parametrize("json", [False, True], ids=["proto", "json"])
def test_connect_client_greet(shared_host, protos, json):
    name = unique("Grace")
    first = protos.call(shared_host.port, GREET, json=json, name=name)
    assert first.greeting == f"Hello, {name}!"
    assert first.count == 1
    assert first.echo == f"hello-c 1.0.0: Hello, {name}!"
    assert first.plugin_version == "1.0.0"
    assert protos.call(shared_host.port, GREET, json=json, name=name).count == 2


@pytest.mark.parametrize("json", [False, True], ids=["proto", "json"])
def test_connect_client_echo_and_stats(shared_host, protos, json):
    response = protos.call(shared_host.port, ECHO, json=json, text="over the wire")
    assert response.text == "hello-c 1.0.0: over the wire"
    assert response.plugin_version == "1.0.0"
    stats = protos.call(shared_host.port, STATS, json=json)
    assert stats.plugin_version == "1.0.0"


def test_connect_client_error_is_a_connect_error(shared_host, protos):
    with pytest.raises(ConnectError) as raised:
        protos.call(shared_host.port, ECHO, text="")
    assert raised.value.code == Code.INVALID_ARGUMENT
    assert raised.value.message == "text must not be empty"

    with pytest.raises(ConnectError) as raised:
        protos.call(shared_host.port, GREET, name="")
    assert raised.value.code == Code.INVALID_ARGUMENT
    assert "name must be 1 to 100 characters" in raised.value.message


def test_raw_proto_round_trip(shared_host, protos):
    request = protos.message("reel.hello.v1.GreetRequest")(name="Linus")
    response = shared_host.post(f"/rpc/{GREET}", data=request.SerializeToString(),
                                headers={"Content-Type": "application/proto", **CONNECT_HEADERS})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/proto"
    assert re.fullmatch(r"hello/1\.0\.0#\d+", response.headers["Reel-Plugin"])
    assert "X-Request-Id" in response.headers
    greeting = protos.message("reel.hello.v1.GreetResponse").FromString(response.content)
    assert greeting.greeting == "Hello, Linus!"
    assert greeting.echo == "hello-c 1.0.0: Hello, Linus!"

    echo = shared_host.post(f"/rpc/{ECHO}", data=protos.message("reel.helloc.v1.EchoRequest")(text="bytes").SerializeToString(),
                            headers={"Content-Type": "application/proto"})
    assert echo.status_code == 200, echo.text
    decoded = protos.message("reel.helloc.v1.EchoResponse").FromString(echo.content)
    assert decoded.text == "hello-c 1.0.0: bytes"
    assert re.fullmatch(r"hello-c/1\.0\.0#\d+", echo.headers["Reel-Plugin"])


def test_raw_json_bodies(shared_host):
    response = shared_host.post(f"/rpc/{ECHO}", json={"text": "json"}, headers=CONNECT_HEADERS)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"text": "hello-c 1.0.0: json", "pluginVersion": "1.0.0"}

    # The proto field name is accepted as well as the JSON (camelCase) one.
    greet = shared_host.post(f"/rpc/{GREET}", json={"name": "Ada"})
    assert greet.status_code == 200, greet.text
    assert greet.json()["greeting"] == "Hello, Ada!"


def test_connect_errors_are_json_with_the_mapped_status(shared_host, protos):
    empty = protos.message("reel.helloc.v1.EchoRequest")(text="").SerializeToString()
    response = shared_host.post(f"/rpc/{ECHO}", data=empty, headers={"Content-Type": "application/proto", **CONNECT_HEADERS})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert {k: v for k, v in response.json().items() if k != "details"} == {"code": "invalid_argument", "message": "text must not be empty"}

    as_json = shared_host.post(f"/rpc/{ECHO}", json={"text": ""})
    assert as_json.status_code == 400
    assert as_json.json()["code"] == "invalid_argument"

    too_long = shared_host.post(f"/rpc/{GREET}", json={"name": "x" * 101})
    assert too_long.status_code == 400
    assert {k: v for k, v in too_long.json().items() if k != "details"} == {"code": "invalid_argument", "message": "name must be 1 to 100 characters"}


def test_unsupported_connect_protocol_version(shared_host):
    response = shared_host.post(f"/rpc/{ECHO}", json={"text": "x"}, headers={"Connect-Protocol-Version": "2"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_argument"
    assert "Connect-Protocol-Version" in response.json()["message"]
