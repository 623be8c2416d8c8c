"""The hello plugin (Swift): validation, the count it keeps in its own
PostgreSQL schema, and its dependency on hello-c over the bus."""
import uuid

import pytest

from reeltest.host import msg

GREET_RPC = "/rpc/reel.hello.v1.HelloService/Greet"


def unique_name() -> str:
    return f"hello-test-{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_invalid_names_are_400_with_a_message(shared_host, name):
    response = shared_host.post("/api/v1/hello", json={"name": name})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_argument"
    assert error["message"] == "name must be 1 to 100 characters"

    rpc = shared_host.post(GREET_RPC, json={"name": name})
    assert rpc.status_code == 400
    assert {k: v for k, v in rpc.json().items() if k != "details"} == {"code": "invalid_argument", "message": "name must be 1 to 100 characters"}


def test_missing_name_is_invalid(shared_host):
    response = shared_host.post("/api/v1/hello", json={})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "name must be 1 to 100 characters"


def test_name_limits_and_trimming(shared_host):
    longest = "y" * 100
    response = shared_host.post("/api/v1/hello", json={"name": longest})
    assert response.status_code == 200, response.text
    assert response.json()["greeting"] == f"Hello, {longest}!"

    name = unique_name()
    padded = shared_host.post("/api/v1/hello", json={"name": f"  {name}  "})
    assert padded.json()["greeting"] == f"Hello, {name}!"
    # Trimmed names share one count.
    assert shared_host.greet(name)["count"] == "2"


def test_unicode_names(shared_host):
    name = f"Zoë 🎬 {uuid.uuid4().hex[:6]}"
    body = shared_host.greet(name)
    assert body["greeting"] == f"Hello, {name}!"
    assert body["count"] == "1"
    assert body["echo"] == f"hello-c 1.0.0: Hello, {name}!"


def test_counts_are_per_name(shared_host):
    a, b = unique_name(), unique_name()
    assert [shared_host.greet(a)["count"] for _ in range(3)] == ["1", "2", "3"]
    assert shared_host.greet(b)["count"] == "1"
    assert shared_host.greet(a)["count"] == "4"


def test_count_persists_across_a_restart(start_host, reel_env):
    host = start_host()
    name = unique_name()
    host.greet(name)
    assert host.greet(name)["count"] == "2"

    host.restart()  # same data dir, same database
    assert host.greet(name)["count"] == "3"
    # The migration ran once: the second start found it applied.
    ready = host.find_logs(lambda e: e.get("logger") == "reel.plugin.hello" and "ready" in msg(e))
    assert len(ready) == 2, [msg(e) for e in ready]
    assert msg(ready[-1]).endswith("(migrations applied: [])"), msg(ready[-1])

    # And it is really in PostgreSQL, in the plugin's own schema.
    stored = reel_env.psql(f"SELECT count FROM hello.greetings WHERE name = '{name}'", url=host.database_url)
    assert stored == "3"


def test_a_fresh_database_starts_from_zero(start_host, fresh_database):
    url = fresh_database
    host = start_host(database_url=url)
    assert host.greet("Ada")["count"] == "1"
    ready = host.wait_for_log(lambda e: e.get("logger") == "reel.plugin.hello" and "ready" in msg(e))
    assert msg(ready).endswith("(migrations applied: [1])"), msg(ready)
    host.stop()


def test_greet_without_hello_c_fails_cleanly(start_host):
    host = start_host(plugins=("hello",))
    response = host.post("/api/v1/hello", json={"name": "Ada"})
    assert response.status_code == 501, response.text
    error = response.json()["error"]
    assert error["code"] == "unimplemented"
    assert "reel.helloc.v1.EchoService/Echo" in error["message"]
    host.assert_healthy()
