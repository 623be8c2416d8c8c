"""Health and readiness: /healthz says the process is up, /readyz says the
database answers and which plugins (versions, generations) are loaded."""
import re

from reeltest.host import msg, wait_until

UNREACHABLE_DATABASE = "postgresql:///reel?host=/nonexistent/reel-live-no-socket&connect_timeout=2"


def test_healthz_and_readyz_list_plugins_and_database(shared_host):
    response = shared_host.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}

    status, ready = shared_host.readyz()
    assert status == 200, ready
    assert ready["status"] == "ready"
    assert ready["database"] == "ok"
    plugins = {p["name"]: p for p in ready["plugins"]}
    assert set(plugins) == {"hello", "hello-c"}
    for name, plugin in plugins.items():
        assert plugin["version"] == "1.0.0"
        assert isinstance(plugin["generation"], int) and plugin["generation"] >= 1
        assert re.fullmatch(r"[0-9a-f]{64}", plugin["sha256"]), plugin
        assert plugin["file"] == f"{name}.so"
    assert plugins["hello"]["generation"] != plugins["hello-c"]["generation"]
    assert plugins["hello"]["methods"] == ["reel.hello.v1.HelloService/Greet"]
    assert sorted(plugins["hello-c"]["methods"]) == ["reel.helloc.v1.EchoService/Echo",
                                                     "reel.helloc.v1.EchoService/Stats"]

    # HEAD is a GET without a body; other methods are refused with Allow.
    assert shared_host.request("HEAD", "/healthz").status_code == 200
    refused = shared_host.post("/healthz")
    assert refused.status_code == 405
    assert refused.headers["Allow"] == "GET"


def test_startup_logs_each_plugin_with_version_and_hash(shared_host):
    loaded = shared_host.find_logs(lambda e: msg(e) == "plugin loaded")
    assert {(e["name"], e["version"]) for e in loaded} == {("hello", "1.0.0"), ("hello-c", "1.0.0")}
    for entry in loaded:
        assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
        assert entry["file"] == f"{entry['name']}.so"
    listening = shared_host.wait_for_log(lambda e: msg(e) == "listening")
    assert listening["address"] == f"127.0.0.1:{shared_host.port}"
    # Every line on stderr is one JSON object with the common fields.
    for entry in shared_host.logs():
        assert "raw" not in entry, entry
        assert {"ts", "level", "logger", "msg"} <= set(entry), entry


def test_readyz_503_when_database_unreachable_but_host_keeps_serving(start_host):
    host = start_host(database_url=UNREACHABLE_DATABASE)

    # The hello plugin cannot start without its database: refused, logged.
    refusal = host.wait_for_log(lambda e: msg(e).startswith("plugin refused: hello.so:"))
    assert "init() refused to start" in msg(refusal)
    own = host.wait_for_log(lambda e: e.get("logger") == "reel.plugin.hello" and "failed to start" in msg(e))
    assert own["level"] == "error"

    assert host.get("/healthz").status_code == 200
    status, ready = host.readyz()
    assert status == 503, ready
    assert ready["status"] == "not ready"
    assert ready["database"] == "unreachable"
    assert [p["name"] for p in ready["plugins"]] == ["hello-c"]

    # hello-c serves; hello's routes do not exist.
    echo = host.post("/api/v1/echo", json={"text": "still here"})
    assert echo.status_code == 200, echo.text
    assert echo.json()["text"] == "hello-c 1.0.0: still here"
    missing = host.post("/api/v1/hello", json={"name": "Ada"})
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert host.get("/healthz").status_code == 200


def test_readyz_503_without_plugins(start_host):
    host = start_host(plugins=())
    status, ready = host.readyz()
    assert status == 503
    assert ready["database"] == "ok"
    assert ready["plugins"] == []
    scanned = wait_until(lambda: host.find_logs(lambda e: msg(e) == "plugins scanned"), what="plugins scanned")
    assert scanned[0]["dir"] == str(host.plugins_dir)
