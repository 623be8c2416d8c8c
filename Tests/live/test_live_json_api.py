"""The web's JSON routes: both sample plugins, the Swift -> C bus call, the
event from Swift to C, and the headers every response carries."""
import re

from reeltest.host import msg, unique, wait_until


def test_greet_json_counts_and_echoes_through_the_c_plugin(shared_host):
    first = shared_host.post("/api/v1/hello", json={"name": "Ada"})
    assert first.status_code == 200, first.text
    assert first.headers["Content-Type"] == "application/json"
    body = first.json()
    assert body["greeting"] == "Hello, Ada!"
    # The Swift plugin asked the C plugin over the bus.
    assert body["echo"] == "hello-c 1.0.0: Hello, Ada!"
    assert body["pluginVersion"] == "1.0.0"
    count = int(body["count"])  # int64 is a JSON string (proto3 JSON mapping)
    assert count >= 1

    again = shared_host.post("/api/v1/hello", json={"name": "Ada"}).json()
    assert int(again["count"]) == count + 1

    # GET /api/v1/hello/{name} ends in the same handler.
    by_path = shared_host.get("/api/v1/hello/Ada")
    assert by_path.status_code == 200, by_path.text
    assert by_path.json()["greeting"] == "Hello, Ada!"
    assert int(by_path.json()["count"]) == count + 2
    assert by_path.json()["echo"].startswith("hello-c 1.0.0: ")


def test_path_parameter_is_percent_decoded_and_wins_over_query(shared_host):
    name = unique("Ada Lovelace")
    encoded = name.replace(" ", "%20")
    response = shared_host.get(f"/api/v1/hello/{encoded}?name=Mallory")
    assert response.status_code == 200, response.text
    assert response.json()["greeting"] == f"Hello, {name}!"
    assert response.json()["count"] == "1"


def test_echo_json_is_served_by_the_c_plugin(shared_host):
    response = shared_host.post("/api/v1/echo", json={"text": "hi"})
    assert response.status_code == 200, response.text
    assert response.json() == {"text": "hello-c 1.0.0: hi", "pluginVersion": "1.0.0"}
    assert re.fullmatch(r"hello-c/1\.0\.0#\d+", response.headers["Reel-Plugin"])


def test_greeted_events_reach_the_c_plugin(shared_host):
    before = int(shared_host.echo_stats().get("greetingsSeen", "0"))
    name = unique("Grace")
    shared_host.greet(name)
    shared_host.greet(name)

    def seen():
        stats = shared_host.echo_stats()
        return stats if int(stats.get("greetingsSeen", "0")) >= before + 2 else None

    stats = wait_until(seen, timeout=10, what="hello.greeted events in hello-c's stats")
    assert stats["lastName"] == name
    assert stats["pluginVersion"] == "1.0.0"


def test_request_id_and_plugin_headers(shared_host):
    generated = shared_host.post("/api/v1/echo", json={"text": "a"})
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["X-Request-Id"])
    other = shared_host.post("/api/v1/echo", json={"text": "a"})
    assert other.headers["X-Request-Id"] != generated.headers["X-Request-Id"]

    supplied = shared_host.post("/api/v1/hello", json={"name": "Ada"}, headers={"X-Request-Id": "live-test.req_42"})
    assert supplied.status_code == 200
    assert supplied.headers["X-Request-Id"] == "live-test.req_42"
    assert re.fullmatch(r"hello/1\.0\.0#\d+", supplied.headers["Reel-Plugin"])

    # An unsafe id (spaces, too long) is replaced, never reflected.
    unsafe = shared_host.post("/api/v1/echo", json={"text": "a"}, headers={"X-Request-Id": "x" * 65})
    assert re.fullmatch(r"[0-9a-f]{32}", unsafe.headers["X-Request-Id"])

    # Errors carry the id too, in the header and in the body.
    missing = shared_host.get("/api/v1/nowhere", headers={"X-Request-Id": "live-404"})
    assert missing.headers["X-Request-Id"] == "live-404"
    assert missing.json()["error"]["requestId"] == "live-404"

    # One access-log line per request, with the plugin that served it.
    line = shared_host.wait_for_log(lambda e: e.get("logger") == "reel.access" and e.get("requestId") == "live-test.req_42",
                                    what="the access-log line")
    assert line["status"] == 200
    assert line["method"] == "POST" and line["path"] == "/api/v1/hello"
    assert line["plugin"] == supplied.headers["Reel-Plugin"]
    assert msg(line) == "request"


def test_head_on_a_get_route(shared_host):
    response = shared_host.request("HEAD", "/api/v1/echo/stats")
    assert response.status_code == 200
    assert response.content == b""
