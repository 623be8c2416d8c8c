"""GET /metrics (Prometheus text format) on the metrics listener
(REEL_METRICS_ADDR): the HTTP, bus and plugin series after real requests,
`promtool check metrics`, and a real Prometheus scraping the host."""
import re
import shutil
import subprocess
import time

import pytest
import requests

from reeltest.host import free_port, wait_until

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape(host) -> str:
    response = requests.get(host.metrics_url(), timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.text


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    found = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        found.append((match[1], dict(LABEL.findall(match[2] or "")), float(match[3])))
    return found


def series(text: str, name: str, /, **labels) -> list[float]:
    return [v for n, l, v in samples(text) if n == name and all(l.get(k) == w for k, w in labels.items())]


def value(text: str, name: str, /, **labels) -> float:
    matching = series(text, name, **labels)
    assert len(matching) == 1, f"{name}{labels}: {len(matching)} series"
    return matching[0]


def test_metrics_count_requests_by_route_template_bus_calls_events_and_plugins(start_host):
    host = start_host()
    for name in ("alice", "bob", "carol"):
        assert host.get(f"/api/v1/hello/{name}").status_code == 200
    assert host.get("/api/v1/nothing/here").status_code == 404
    body = '{"text":"' + "x" * 3000 + '"}'
    assert host.post("/api/v1/echo", data=body, headers={"Content-Type": "application/json"}).status_code == 200
    # The hello.greeted event reaches hello-c on its own queue.
    wait_until(lambda: series(scrape(host), "reel_bus_events_total", topic="hello.greeted", stage="delivered") == [3],
               what="three delivered events")
    text = scrape(host)

    # Route templates, never raw paths.
    assert value(text, "http_server_request_duration_seconds_count", http_request_method="GET",
                 http_route="/api/v1/hello/{name}", http_response_status_code="200") == 3
    assert value(text, "http_server_request_duration_seconds_count", http_request_method="GET",
                 http_route="unmatched", http_response_status_code="404") == 1
    assert "alice" not in text and "/api/v1/nothing" not in text
    # Body sizes: the echo request's body is in the 4 KiB bucket, not the 1 KiB one.
    labels = dict(http_request_method="POST", http_route="/api/v1/echo", http_response_status_code="200")
    assert value(text, "http_server_request_body_size_bytes_bucket", le="1024.0", **labels) == 0
    assert value(text, "http_server_request_body_size_bytes_bucket", le="4096.0", **labels) == 1
    assert value(text, "http_server_request_body_size_bytes_sum", **labels) == len(body)
    assert value(text, "http_server_response_body_size_bytes_sum", **labels) > 3000
    # The scrape itself is on another listener: the public one serves nothing now.
    assert value(text, "http_server_active_requests") == 0

    # Bus: each greeting called hello-c over the bus; the calls from outside too.
    assert value(text, "reel_bus_call_duration_seconds_count", method="reel.helloc.v1.EchoService/Echo",
                 code="ok") >= 4
    assert value(text, "reel_bus_call_duration_seconds_count", method="reel.hello.v1.HelloService/Greet",
                 code="ok") == 3
    assert value(text, "reel_bus_events_total", topic="hello.greeted", stage="published") == 3

    # Plugins: one info series each, with the loaded generation's hash.
    plugins = host.plugins()
    for name, plugin in plugins.items():
        assert value(text, "reel_plugin_info", name=name, version=plugin["version"],
                     generation=str(plugin["generation"]), sha256=plugin["sha256"]) == 1
        assert value(text, "reel_plugin_hot_swaps_total", name=name) == 0

    # Process metrics, Prometheus client conventions.
    assert value(text, "process_resident_memory_bytes") > 1_000_000
    assert value(text, "process_open_fds") > 3
    assert value(text, "process_threads") >= 2
    assert value(text, "process_cpu_seconds_total") > 0

    # Only /metrics on that listener, and nothing of it on the public one.
    assert requests.get(host.metrics_url("/api/v1/hello/x"), timeout=10).status_code == 404
    assert host.get("/metrics").status_code == 404

    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing (Debian's prometheus package: tools/dev deps)"
    check = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True, timeout=60)
    assert check.returncode == 0 and not check.stdout.strip() and not check.stderr.strip(), check


def test_a_hot_swap_keeps_one_info_series_and_counts_the_swap(start_host, reel_env):
    host = start_host()
    before = host.plugins()["hello-c"]
    assert host.get("/api/v1/hello/dave").status_code == 200
    # A new file for the same plugin: copy with a changed byte after the end (same code, new hash).
    source = reel_env.plugins / "hello-c.so"
    swapped = host.root / "hello-c-next.so"
    swapped.write_bytes(source.read_bytes() + b"\0obs-test")
    host.install_plugin(swapped, "hello-c.so")
    wait_until(lambda: host.plugins()["hello-c"]["generation"] != before["generation"], what="the hot-swap")
    after = host.plugins()["hello-c"]
    assert host.get("/api/v1/hello/erin").status_code == 200
    text = scrape(host)
    info = [labels for name, labels, _ in samples(text) if name == "reel_plugin_info" and labels["name"] == "hello-c"]
    assert info == [{"name": "hello-c", "version": after["version"], "generation": str(after["generation"]),
                     "sha256": after["sha256"]}]
    assert value(text, "reel_plugin_hot_swaps_total", name="hello-c") == 1
    # The series of the route served by both generations continues.
    assert value(text, "http_server_request_duration_seconds_count", http_request_method="GET",
                 http_route="/api/v1/hello/{name}", http_response_status_code="200") == 2


@pytest.mark.parametrize("value", ["9464", "localhost:9464", "127.0.0.1:port"])
def test_a_bad_metrics_address_stops_the_host_at_start(start_host, value):
    host = start_host(plugins=(), env={"REEL_METRICS_ADDR": value}, start=False)
    with pytest.raises(AssertionError):
        host.start()
    assert host.process.wait(timeout=30) == 2
    assert f"reel: REEL_METRICS_ADDR='{value}' is not usable: expected" in host.log_text()
    host.exit_code = 2


def test_metrics_off_opens_no_listener(start_host):
    host = start_host(env={"REEL_METRICS_ADDR": "off"})
    with pytest.raises(requests.ConnectionError):
        requests.get(host.metrics_url(), timeout=5)
    assert "metrics listening" not in host.log_text()


def test_a_real_prometheus_scrapes_the_host(start_host, tmp_path):
    prometheus = shutil.which("prometheus")
    assert prometheus, "prometheus is missing (Debian's prometheus package: tools/dev deps)"
    host = start_host()
    for name in ("frank", "grace"):
        assert host.get(f"/api/v1/hello/{name}").status_code == 200
    port = free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(f"""
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: reel
    static_configs:
      - targets: ["127.0.0.1:{host.metrics_port}"]
""")
    process = subprocess.Popen(
        [prometheus, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "prometheus.log", "wb"))
    try:
        api = f"http://127.0.0.1:{port}/api/v1"

        def query(promql: str) -> list:
            try:
                response = requests.get(f"{api}/query", params={"query": promql}, timeout=5)
            except requests.ConnectionError:
                return []
            return response.json()["data"]["result"] if response.status_code == 200 else []

        up = wait_until(lambda: [r for r in query('up{job="reel"}') if r["value"][1] == "1"], timeout=60,
                        what="the reel target up")
        assert len(up) == 1
        requests_seen = wait_until(lambda: query(
            'http_server_request_duration_seconds_count{http_route="/api/v1/hello/{name}"}'), timeout=30,
            what="the requests by route template")
        assert [float(r["value"][1]) for r in requests_seen] == [2.0]
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_grafana_dashboard_queries_parse_and_name_real_metrics(start_host, tmp_path):
    """tools/grafana/reel-dashboard.json: every query is valid PromQL (promtool
    check rules) and every metric it names is one the host exposes."""
    import json
    from pathlib import Path

    dashboard = json.loads((Path(__file__).resolve().parents[2] / "tools/grafana/reel-dashboard.json").read_text())
    exprs = [t["expr"].replace("$__rate_interval", "1m").replace("$job", "reel")
             for panel in dashboard["panels"] for t in panel["targets"]]
    rules = tmp_path / "rules.yml"
    rules.write_text(json.dumps({"groups": [{"name": "dashboard", "rules": [
        {"record": f"reel:dashboard:{i}", "expr": e} for i, e in enumerate(exprs)]}]}))
    check = subprocess.run([shutil.which("promtool") or "promtool", "check", "rules", str(rules)],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    host = start_host()
    assert host.get("/api/v1/hello/dash").status_code == 200
    exposed = {name for name, _, _ in samples(scrape(host))}
    named = {m for e in exprs for m in re.findall(r"\b((?:http_server|reel|process)_[a-z_]+)\b", e)}
    assert named and named <= exposed, named - exposed
