"""The hello-c plugin (plain C): Echo, Stats and the hello.greeted events it
counts, through JSON routes and the binary protocol."""
import uuid

from reeltest.host import wait_until

ECHO_RPC = "/rpc/reel.helloc.v1.EchoService/Echo"
STATS_RPC = "/rpc/reel.helloc.v1.EchoService/Stats"


def test_echo_prefixes_name_and_version(shared_host):
    for text in ("hi", "with spaces", "ünïcödé ✓", "x" * 2000):
        response = shared_host.post("/api/v1/echo", json={"text": text})
        assert response.status_code == 200, response.text
        assert response.json() == {"text": f"hello-c 1.0.0: {text}", "pluginVersion": "1.0.0"}


def test_empty_text_is_invalid(shared_host):
    for body in ({"text": ""}, {}):
        response = shared_host.post("/api/v1/echo", json=body)
        assert response.status_code == 400
        assert response.json()["error"] == {"code": "invalid_argument", "message": "text must not be empty",
                                             "requestId": response.headers["X-Request-Id"]}


def test_echo_over_rpc(shared_host, protos):
    request = protos.message("reel.helloc.v1.EchoRequest")(text="binary")
    response = shared_host.post(ECHO_RPC, data=request.SerializeToString(), headers={"Content-Type": "application/proto"})
    assert response.status_code == 200
    decoded = protos.message("reel.helloc.v1.EchoResponse").FromString(response.content)
    assert (decoded.text, decoded.plugin_version) == ("hello-c 1.0.0: binary", "1.0.0")


def test_stats_counts_greetings_of_this_generation(start_host, protos):
    host = start_host()
    stats = host.echo_stats()
    # A fresh generation has seen nothing (int64 is a JSON string).
    assert stats == {"greetingsSeen": "0", "lastName": "", "pluginVersion": "1.0.0"}

    names = [f"stats-{uuid.uuid4().hex[:6]}" for _ in range(3)]
    for name in names:
        host.greet(name)
    def seen_three():
        stats = host.echo_stats()
        return stats if stats["greetingsSeen"] == "3" else None

    stats = wait_until(seen_three, timeout=10, what="three hello.greeted events")
    assert stats["lastName"] == names[-1]

    # The same numbers over the binary protocol (empty StatsRequest body).
    response = host.post(STATS_RPC, data=b"", headers={"Content-Type": "application/proto"})
    assert response.status_code == 200
    decoded = protos.message("reel.helloc.v1.StatsResponse").FromString(response.content)
    assert (decoded.greetings_seen, decoded.last_name, decoded.plugin_version) == (3, names[-1], "1.0.0")


def test_stats_takes_no_input_fields(shared_host):
    response = shared_host.get("/api/v1/echo/stats", params={"bogus": "1"})
    assert response.status_code == 400
    assert "bogus" in response.json()["error"]["message"]


def test_echo_stats_routes_reject_other_methods(shared_host):
    response = shared_host.request("POST", "/api/v1/echo/stats", json={})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
