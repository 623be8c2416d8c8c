"""Hot-swap under load, the key acceptance test: wrk keeps a few connections
busy while a new version of a plugin lands in the plugins folder (picked up by
the watcher) or is loaded through the admin route; not one request may fail,
and both the old and the new generation must have served wrk's requests."""
import json
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from reeltest.host import REPO, install_file, msg, wait_until

WRK_SECONDS = 8
WRK_CONNECTIONS = 4


def wrk_script(path: Path, method: str, body: dict | None) -> Path:
    lines = [f'wrk.method = "{method}"']
    if body is not None:
        lines += [f"wrk.body = {json.dumps(json.dumps(body))}", 'wrk.headers["Content-Type"] = "application/json"']
    path.write_text("\n".join(lines) + "\n")
    return path


def start_wrk(host, path: str, script: Path, seconds: int = WRK_SECONDS) -> subprocess.Popen:
    if shutil.which("wrk") is None:
        pytest.fail("wrk is not installed (tools/dev deps installs it)")
    return subprocess.Popen(
        ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), host.url(path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish_wrk(process: subprocess.Popen, host) -> dict:
    """Waits for wrk; returns its counts after checking it saw no failure.
    If the host dies meanwhile, wrk is stopped at once (reconnecting in a
    loop it would exhaust the loopback's ephemeral ports)."""
    deadline = time.monotonic() + WRK_SECONDS + 60
    while process.poll() is None:
        if not host.alive:
            process.kill()
            process.communicate()
            raise AssertionError(f"the host died under load:\n{host.crash_report()}")
        assert time.monotonic() < deadline, "wrk did not finish"
        time.sleep(0.1)
    output, _ = process.communicate()
    assert process.returncode == 0, output
    requests = re.search(r"(\d+) requests in ", output)
    assert requests, output
    result = {"requests": int(requests.group(1)), "output": output}
    assert "Non-2xx or 3xx responses" not in output, output
    assert "Socket errors" not in output, output
    assert result["requests"] > 0, output
    return result


def served_by(host, path: str, at_least: int) -> dict[str, int]:
    """Access-log counts per plugin label of the 200 answers on `path`, once
    there are `at_least` (a line is written just after its answer is sent).
    No other status is allowed but 499, wrk leaving when its time is up."""
    def count():
        counts: dict[str, int] = {}
        for entry in host.logs():
            if entry.get("logger") == "reel.access" and entry.get("path") == path:
                assert entry["status"] in (200, 499), entry
                if entry["status"] == 200:
                    counts[entry.get("plugin", "?")] = counts.get(entry.get("plugin", "?"), 0) + 1
        return counts if sum(counts.values()) >= at_least else None
    return wait_until(count, timeout=15, interval=0.2, what=f"{at_least} access-log lines for {path}")


def test_hot_swap_c_plugin_under_load(start_host, tmp_path):
    host = start_host()
    old = host.plugins()["hello-c"]
    assert old["version"] == "1.0.0"

    wrk = start_wrk(host, "/api/v1/echo", wrk_script(tmp_path / "echo.lua", "POST", {"text": "load"}))
    try:
        time.sleep(1.5)  # let the load settle in before swapping
        # Build 2.0.0 straight into the plugins folder (temp file + rename): the watcher takes it.
        subprocess.run(["make", "-s", "-C", str(REPO / "Plugins/hello-c"), f"OUT={host.plugins_dir}", "VERSION=2.0.0"],
                       check=True, capture_output=True)
        wait_until(lambda: host.plugins()["hello-c"]["version"] == "2.0.0", timeout=20, what="hello-c 2.0.0 loaded")
        # An explicit reload now finds nothing changed, and must not disturb anything.
        reload = host.post("/admin/plugins/reload")
        assert reload.status_code == 200, reload.text
        assert all(o["outcome"] != "refused" for o in reload.json()["outcomes"]), reload.text
    finally:
        result = finish_wrk(wrk, host)

    new = host.plugins()["hello-c"]
    assert new["version"] == "2.0.0"
    assert new["generation"] > old["generation"]
    assert new["sha256"] != old["sha256"]

    echo = host.post("/api/v1/echo", json={"text": "hi"})
    assert echo.json()["text"] == "hello-c 2.0.0: hi"
    assert echo.headers["Reel-Plugin"] == f"hello-c/2.0.0#{new['generation']}"
    # The Swift plugin's bus calls go to the new generation too.
    assert host.greet("Ada")["echo"] == "hello-c 2.0.0: Hello, Ada!"

    loaded = host.wait_for_log(lambda e: msg(e) == "plugin loaded" and e.get("name") == "hello-c"
                               and e.get("version") == "2.0.0")
    assert loaded["generation"] == str(new["generation"])
    retired = host.wait_for_log(lambda e: msg(e) == "plugin generation retired" and e.get("name") == "hello-c",
                                what="the old hello-c generation retired")
    assert (retired["version"], retired["generation"]) == ("1.0.0", str(old["generation"]))
    assert retired["unmapped"] == "true"  # a C plugin that declared REEL_PLUGIN_UNLOADABLE
    host.wait_for_log(lambda e: msg(e) == "plugins folder changed" and e.get("file", "").endswith("/hello-c.so"))

    # Both generations answered wrk, every answer a 200.
    counts = served_by(host, "/api/v1/echo", at_least=result["requests"] + 1)
    assert counts.get(f"hello-c/1.0.0#{old['generation']}", 0) > 0, counts
    assert counts.get(f"hello-c/2.0.0#{new['generation']}", 0) > 0, counts


def test_hot_swap_swift_plugin_under_load(start_host, tmp_path):
    host = start_host()
    old = host.plugins()["hello"]
    name = f"swap-{uuid.uuid4().hex[:8]}"

    wrk = start_wrk(host, "/api/v1/hello", wrk_script(tmp_path / "hello.lua", "POST", {"name": name}))
    try:
        time.sleep(1.5)
        # A byte-different copy of hello.so: same code, new hash, so a new generation.
        different = tmp_path / "hello.so"
        different.write_bytes((host.reel.plugins / "hello.so").read_bytes() + b"\0" * 16)
        install_file(different, host.plugins_dir / "hello.so")
        reload = host.post("/admin/plugins/reload")
        assert reload.status_code == 200, reload.text
        outcomes = reload.json()["outcomes"]
        assert all(o["outcome"] != "refused" for o in outcomes), outcomes
        wait_until(lambda: host.plugins()["hello"]["generation"] > old["generation"], timeout=30,
                   what="a new hello generation")
    finally:
        result = finish_wrk(wrk, host)

    new = host.plugins()["hello"]
    assert new["generation"] > old["generation"]
    assert new["sha256"] != old["sha256"]
    loaded = host.wait_for_log(lambda e: msg(e) == "plugin loaded" and e.get("name") == "hello"
                               and e.get("generation") == str(new["generation"]))
    assert loaded["sha256"] == new["sha256"]
    retired = host.wait_for_log(lambda e: msg(e) == "plugin generation retired" and e.get("name") == "hello",
                                timeout=30, what="the old hello generation retired")
    assert retired["generation"] == str(old["generation"])
    assert retired["unmapped"] == "false"  # Swift plugins are never unmapped

    # The count went on in PostgreSQL across generations: one row, every request counted.
    greeting = host.post("/api/v1/hello", json={"name": name})
    assert greeting.status_code == 200
    assert greeting.headers["Reel-Plugin"] == f"hello/1.0.0#{new['generation']}"
    counts = served_by(host, "/api/v1/hello", at_least=result["requests"] + 1)
    assert counts.get(f"hello/1.0.0#{old['generation']}", 0) > 0, counts
    assert counts.get(f"hello/1.0.0#{new['generation']}", 0) > 0, counts
    # Every greeting wrk saw answered was counted, whichever generation served it.
    assert int(greeting.json()["count"]) >= result["requests"] + 1


def test_cli_plugin_list_and_reload(start_host):
    host = start_host()
    reel = str(host.reel.bin)

    listed = subprocess.run([reel, "plugin", "list", "--admin", f"127.0.0.1:{host.admin_port}"], capture_output=True, text=True, timeout=30)
    assert listed.returncode == 0, listed.stderr
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    assert set(plugins) == {"hello", "hello-c"}
    assert plugins["hello-c"]["version"] == "1.0.0"

    # Nothing changed: a reload loads nothing.
    reload = subprocess.run([reel, "plugin", "reload", "--admin", f"127.0.0.1:{host.admin_port}"], capture_output=True, text=True, timeout=60)
    assert reload.returncode == 0, reload.stderr
    assert json.loads(reload.stdout) == {"outcomes": []}

    # One file, named explicitly.
    subprocess.run(["make", "-s", "-C", str(REPO / "Plugins/hello-c"), f"OUT={host.plugins_dir}", "VERSION=2.0.0"],
                   check=True, capture_output=True)
    reload = subprocess.run([reel, "plugin", "reload", "--admin", f"127.0.0.1:{host.admin_port}", "--file", "hello-c.so"],
                            capture_output=True, text=True, timeout=60)
    assert reload.returncode == 0, reload.stderr
    [outcome] = json.loads(reload.stdout)["outcomes"]
    # The watcher may have been first; either way 2.0.0 is what serves now.
    assert outcome["outcome"] in ("loaded", "unchanged"), outcome
    assert host.plugins()["hello-c"]["version"] == "2.0.0"

    listed = subprocess.run([reel, "plugin", "list", "--admin", f"127.0.0.1:{host.admin_port}"], capture_output=True, text=True, timeout=30)
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    assert plugins["hello-c"]["version"] == "2.0.0"
    assert plugins["hello-c"]["generation"] > plugins["hello"]["generation"]

    # A bad file name is refused by the host, and the CLI says so with a non-zero exit.
    bad = subprocess.run([reel, "plugin", "reload", "--admin", f"127.0.0.1:{host.admin_port}", "--file", "../etc/passwd"],
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode != 0
    assert "400" in bad.stderr + bad.stdout

    # No host on that port: a clear error.
    host.stop()
    gone = subprocess.run([reel, "plugin", "list", "--admin", f"127.0.0.1:{host.admin_port}"], capture_output=True, text=True, timeout=30)
    assert gone.returncode != 0
    assert "no host answers" in gone.stderr + gone.stdout
