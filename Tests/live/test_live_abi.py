"""The loader's compatibility checks: each deliberately broken fixture plugin
(Tests/Fixtures/plugins) is refused with one clear log line, before any of
its code runs beyond the magic check, and the host goes on serving."""
import re
import time

import pytest

from reeltest.host import REPO, msg


def header_abi() -> tuple[int, int]:
    """REEL_ABI_MAJOR and REEL_ABI_MINOR of the header the host and the fixtures are built from."""
    text = (REPO / "Sources/CReelABI/include/reel_plugin.h").read_text()
    return tuple(int(re.search(rf"#define REEL_ABI_{part}\s+(\d+)", text).group(1)) for part in ("MAJOR", "MINOR"))


MAJOR, MINOR = header_abi()

# fixture -> words its refusal line must contain
REFUSALS = {
    "bad-magic": ["bad magic 0x4241444d", "expected 0x5245454c"],
    "abi-major": ["ABI major mismatch", f"host has ABI {MAJOR}.{MINOR},", f"plugin was built for ABI 99.{MINOR}"],
    "abi-minor-newer": [f"needs ABI {MAJOR}.{MINOR + 1}", f"only has {MAJOR}.{MINOR}"],
    "no-entry": ["does not export reel_plugin_entry()"],
    "no-magic": ["does not export reel_plugin_magic()"],
    "failing-init": ["init() refused to start", "returned 1"],
    "bad-name": ["invalid descriptor", "Bad Name!"],
    "not-elf": ["dlopen failed"],
}


def refusals(host, file_name: str) -> list[dict]:
    prefix = f"plugin refused: {file_name}: "
    return host.find_logs(lambda e: msg(e).startswith(prefix))


def quiet_period(host, polls: int = 5) -> None:
    """Lets the folder watcher (REEL_PLUGIN_WATCH_SECONDS=0.2) poll a few more times."""
    time.sleep(0.2 * polls)


def test_every_broken_fixture_is_refused_with_one_clear_line(start_host):
    host = start_host(plugins=("hello-c",), fixtures=tuple(REFUSALS))
    quiet_period(host)
    for fixture, words in REFUSALS.items():
        lines = refusals(host, f"{fixture}.so")
        assert len(lines) == 1, (fixture, [msg(e) for e in lines])
        line = lines[0]
        assert line["level"] == "error"
        assert line["logger"] == "reel.plugins"
        assert line["file"] == f"{fixture}.so"
        for word in words:
            assert word in msg(line), (fixture, msg(line))

    scanned = host.wait_for_log(lambda e: msg(e) == "plugins scanned")
    assert scanned["refused"] == str(len(REFUSALS))

    # The host runs, and only hello-c is loaded.
    host.assert_healthy()
    status, ready = host.readyz()
    assert status == 200, ready
    assert [p["name"] for p in ready["plugins"]] == ["hello-c"]
    echo = host.post("/api/v1/echo", json={"text": "after refusals"})
    assert echo.status_code == 200
    assert echo.json()["text"] == "hello-c 1.0.0: after refusals"
    # A refused plugin's method is not reachable.
    ping = host.post("/rpc/reel.test.v1.FixtureService/Ping", data=b"", headers={"Content-Type": "application/proto"})
    assert ping.status_code == 404


@pytest.mark.parametrize("fixture", ["abi-major", "no-magic", "not-elf"])
def test_admin_reload_reports_the_refusal(start_host, fixture):
    host = start_host(plugins=("hello-c",), fixtures=(fixture,))
    response = host.post("/admin/plugins/reload", params={"file": f"{fixture}.so"})
    assert response.status_code == 200, response.text
    [outcome] = response.json()["outcomes"]
    assert outcome["outcome"] == "refused"
    assert outcome["file"] == f"{fixture}.so"
    for word in REFUSALS[fixture]:
        assert word in outcome["reason"]
    host.assert_healthy()
    assert list(host.plugins()) == ["hello-c"]


def test_failing_init_dropped_into_a_running_host(start_host):
    host = start_host()
    before = host.plugins()
    host.install_plugin(host.reel.fixtures / "failing-init.so")

    line = host.wait_for_log(lambda e: msg(e).startswith("plugin refused: failing-init.so: "),
                             what="the refusal of failing-init.so")
    assert "init() refused to start (returned 1)" in msg(line)
    quiet_period(host)
    assert len(refusals(host, "failing-init.so")) == 1, "a refused file is retried only when it changes"

    # The previous plugins keep serving, same generations.
    after = host.plugins()
    assert {n: p["generation"] for n, p in after.items()} == {n: p["generation"] for n, p in before.items()}
    greeting = host.post("/api/v1/hello", json={"name": "Ada"})
    assert greeting.status_code == 200, greeting.text
    assert greeting.json()["echo"] == "hello-c 1.0.0: Hello, Ada!"
    host.assert_healthy()


def test_broken_replacement_keeps_the_previous_generation(start_host):
    """A broken file renamed over hello-c.so is refused; hello-c 1.0.0 keeps serving."""
    host = start_host(plugins=("hello-c",))
    generation = host.plugins()["hello-c"]["generation"]
    for fixture in ("abi-major", "not-elf"):
        host.install_plugin(host.reel.fixtures / f"{fixture}.so", "hello-c.so")
        line = host.wait_for_log(lambda e: msg(e).startswith("plugin refused: hello-c.so: ")
                                 and REFUSALS[fixture][0] in msg(e), what=f"{fixture} as hello-c.so refused")
        assert line["file"] == "hello-c.so"
        plugin = host.plugins()["hello-c"]
        assert (plugin["version"], plugin["generation"]) == ("1.0.0", generation)
        echo = host.post("/api/v1/echo", json={"text": fixture})
        assert echo.status_code == 200
        assert echo.json()["text"] == f"hello-c 1.0.0: {fixture}"


def test_plugin_init_refusal_is_logged_under_the_plugins_name(start_host):
    """REEL_HELLO_C_FAIL_INIT=1 (host-wide) makes hello-c's own init refuse."""
    host = start_host(plugins=("hello-c",), env={"REEL_HELLO_C_FAIL_INIT": "1"})
    own = host.wait_for_log(lambda e: "init refused on purpose" in msg(e))
    assert own["logger"] == "reel.plugin.hello-c"
    assert own["level"] == "error"
    assert own["plugin"].startswith("hello-c/1.0.0#")
    refusal = host.wait_for_log(lambda e: msg(e).startswith("plugin refused: hello-c.so: "))
    assert "init() refused to start (returned 1)" in msg(refusal)
    host.assert_healthy()
    status, ready = host.readyz()
    assert status == 503 and ready["plugins"] == []
    assert host.post("/api/v1/echo", json={"text": "x"}).status_code == 404


def test_a_plugin_built_against_abi_1_0s_header_loads_and_answers(start_host):
    """abi-1-0 is fixture.c compiled against the header as released in 1.0
    (Tests/Fixtures/plugins/abi-1.0): a smaller descriptor, no 1.2 fields."""
    host = start_host(plugins=("hello-c",), fixtures=("abi-1-0",))
    plugins = host.plugins()
    assert set(plugins) == {"hello-c", "abi-1-0"}, plugins
    assert plugins["abi-1-0"]["methods"] == ["reel.test.v1.FixtureService/Ping"]
    ping = host.post("/rpc/reel.test.v1.FixtureService/Ping", data=b"", headers={"Content-Type": "application/proto"})
    assert ping.status_code == 200, ping.text
    assert ping.content == b""
    assert ping.headers.get("Reel-Plugin", "").startswith("abi-1-0/0.0.1#")
