"""GET /metrics (Prometheus text format) on the metrics listener
(REEL_METRICS_ADDR): the HTTP, bus and plugin series after real requests,
`promtool check metrics`, and a real Prometheus scraping the host."""
import base64
import contextlib
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from reeltest.host import free_port, new_database, wait_until

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

    promtool_check(text)


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


@contextlib.contextmanager
def prometheus_scraping(host, folder: Path):
    """A real Prometheus (Debian's) scraping `host` every second; yields a
    PromQL instant-query function (the result list, [] until it answers)."""
    prometheus = shutil.which("prometheus")
    assert prometheus, "prometheus is missing (Debian's prometheus package: tools/dev deps)"
    port = free_port()
    config = folder / "prometheus.yml"
    config.write_text(f"""
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: reel
    static_configs:
      - targets: ["127.0.0.1:{host.metrics_port}"]
""")
    process = subprocess.Popen(
        [prometheus, f"--config.file={config}", f"--storage.tsdb.path={folder / 'prometheus-data'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(folder / "prometheus.log", "wb"))
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
        yield query
    finally:
        process.terminate()
        process.wait(timeout=30)


def promtool_check(text: str) -> None:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing (Debian's prometheus package: tools/dev deps)"
    check = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True, timeout=60)
    assert check.returncode == 0 and not check.stdout.strip() and not check.stderr.strip(), check


def test_a_real_prometheus_scrapes_the_host(start_host, tmp_path):
    host = start_host()
    for name in ("frank", "grace"):
        assert host.get(f"/api/v1/hello/{name}").status_code == 200
    with prometheus_scraping(host, tmp_path) as query:
        requests_seen = wait_until(lambda: query(
            'http_server_request_duration_seconds_count{http_route="/api/v1/hello/{name}"}'), timeout=30,
            what="the requests by route template")
        assert [float(r["value"][1]) for r in requests_seen] == [2.0]


def test_the_grafana_dashboard_queries_parse_and_name_real_metrics(start_host, tmp_path):
    """tools/grafana/reel-dashboard.json: every query is valid PromQL (promtool
    check rules) and every metric it names is one the host exposes."""
    import json

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
    # The plugins' metrics (this host loads none of those plugins) must be
    # in the README's table of them, the contract for dashboards.
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    documented = set(re.findall(r"`(reel_(?:login|upload|transcode|notification|watchlist)_[a-z_]+)`", readme))
    plugins = {m for m in named if re.sub(r"_(bucket|sum|count)$", "", m) in documented}
    assert plugins, "the dashboard shows no plugin metric"
    assert named and named - plugins <= exposed, named - plugins - exposed


# -- The plugins' own metrics (ABI 1.4)

TRANSCODE_FAST = {
    "REEL_TRANSCODER_PRESET": "ultrafast",
    "REEL_TRANSCODER_POLL_SECONDS": "1",
    "REEL_VIDEO_OUTBOX_POLL_SECONDS": "1",
}
PASSWORD = "correct horse battery"


def make_clip(folder: Path) -> Path:
    """Three seconds of 320x240 H.264 + AAC (ffmpeg CLI, tests only)."""
    clip = folder / "clip.mp4"
    made = subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=3",
         "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(clip)], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    return clip


def tus_upload(host, token: str, clip: Path) -> str:
    """POST then one PATCH with the whole file; returns the new video's id."""
    auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    data = clip.read_bytes()
    created = host.post("/api/v1/uploads", headers={
        **auth, "Upload-Length": str(len(data)),
        "Upload-Metadata": "filename " + base64.b64encode(b"clip.mp4").decode()})
    assert created.status_code == 201, created.text
    patched = host.request("PATCH", created.headers["Location"], data=data, headers={
        **auth, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
    assert patched.status_code == 204, patched.text
    return patched.headers["Reel-Video-Id"]


def login(host, email: str, password: str = PASSWORD) -> requests.Response:
    return host.post("/api/v1/auth/login", json={"email": email, "password": password})


def one_family(text: str, name: str) -> None:
    """One TYPE line for the family: a hot-swap did not register it twice."""
    assert text.count(f"# TYPE {name} ") == 1, text


def test_plugin_metrics_reach_prometheus_and_continue_across_a_hot_swap(reel_env, tmp_path):
    with new_database(reel_env, tmp_path) as (starter, url):
        host = starter(plugins=("auth", "video", "transcoder"), database_url=url, env=TRANSCODE_FAST)
        email = f"metrics-{uuid.uuid4().hex[:10]}@example.com"
        registered = host.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD,
                                                               "displayName": "Metrics"})
        assert registered.status_code == 201, registered.text  # the first account: admin, may upload
        signed_in = login(host, email)
        assert signed_in.status_code == 200, signed_in.text
        assert login(host, email, "not the password").status_code == 401
        token = signed_in.json()["accessToken"]

        clip = make_clip(tmp_path)
        video_id = tus_upload(host, token, clip)
        wait_until(lambda: host.get(f"/api/v1/videos/{video_id}", headers={"Authorization": f"Bearer {token}"})
                   .json().get("state") == "ready", timeout=180, interval=0.25, what="the video transcoded")
        # The queue gauge is read every few seconds.
        wait_until(lambda: series(scrape(host), "reel_transcode_queue_jobs", state="succeeded") == [1.0],
                   timeout=30, what="the queue depth by state")
        text = scrape(host)
        assert value(text, "reel_login_succeeded_total") == 1
        assert value(text, "reel_login_failed_total") == 1
        assert value(text, "reel_login_throttled_total") == 0
        assert value(text, "reel_upload_started_total") == 1
        assert value(text, "reel_upload_completed_total") == 1
        assert value(text, "reel_upload_bytes_total") == clip.stat().st_size
        assert value(text, "reel_transcode_jobs_finished_total") == 1
        assert value(text, "reel_transcode_jobs_failed_total") == 0
        assert value(text, "reel_transcode_queue_jobs", state="queued") == 0
        rungs = [labels["rung"] for name, labels, _ in samples(text) if name == "reel_transcode_encode_duration_seconds_count"]
        assert rungs, text
        for rung in rungs:
            assert value(text, "reel_transcode_encode_duration_seconds_count", rung=rung) == 1
            assert value(text, "reel_transcode_realtime_factor_sum", rung=rung) > 0
        promtool_check(text)

        with prometheus_scraping(host, tmp_path) as query:
            for promql in ("reel_login_succeeded_total", "reel_login_failed_total", "reel_upload_completed_total",
                           "reel_transcode_jobs_finished_total"):
                seen = wait_until(lambda: query(promql), timeout=30, what=promql)
                assert [float(r["value"][1]) for r in seen] == [1.0], (promql, seen)
            assert wait_until(lambda: query("reel_transcode_encode_duration_seconds_count"), timeout=30,
                              what="the encode histogram")

            # Hot-swap auth (a new file: the same code, another hash): the
            # new generation registers the same metrics and continues them.
            before = host.plugins()["auth"]
            swapped = tmp_path / "auth-next.so"
            swapped.write_bytes((reel_env.plugins / "auth.so").read_bytes() + b"\0metrics-test")
            host.install_plugin(swapped, "auth.so")
            wait_until(lambda: host.plugins()["auth"]["generation"] != before["generation"], timeout=60,
                       what="the hot-swap of auth")
            assert login(host, email).status_code == 200
            text = scrape(host)
            assert value(text, "reel_plugin_hot_swaps_total", name="auth") == 1
            assert value(text, "reel_login_succeeded_total") == 2
            assert value(text, "reel_login_failed_total") == 1
            for family in ("reel_login_succeeded_total", "reel_login_failed_total", "reel_login_throttled_total"):
                one_family(text, family)
            assert "metric reel_login" not in host.log_text()  # no registration was refused
            promtool_check(text)
            seen = wait_until(lambda: [r for r in query("reel_login_succeeded_total") if r["value"][1] == "2"],
                              timeout=30, what="Prometheus sees the login after the swap")
            assert len(query("reel_login_succeeded_total")) == 1, "one series, not one per generation"
            assert len(seen) == 1



def test_a_c_plugin_registers_metrics_bad_ones_are_refused_and_an_unloaded_generation_is_harmless(start_host, reel_env):
    """Tests/Fixtures/plugins' metrics-probe (C, REEL_PLUGIN_UNLOADABLE): its
    counter counts pings; the names the host must refuse are refused with a
    log line (the host's own families, bad names, other labels); after a
    hot-swap unloads the old generation, the new one continues the series."""
    host = start_host(plugins=("hello-c",), fixtures=("metrics-probe",))

    def ping():
        answer = host.post("/rpc/reel.test.v1.FixtureService/Ping", data=b"",
                           headers={"Content-Type": "application/proto"})
        assert answer.status_code == 200, answer.text

    ping()
    ping()
    text = scrape(host)
    assert value(text, "reel_fixture_pings_total", outcome="ok") == 2
    assert series(text, "reel_fixture_pings_total") == [2.0]  # the update with no label value was dropped
    for refused in ("reel_bus_calls_total", "fixture_pings_total", "reel_fixture_pings", "reel_fixture_seconds",
                    "reel_fixture_other"):
        assert not series(text, refused) and not series(text, refused + "_count"), refused
    log = "\n".join(entry.get("msg", "") for entry in host.logs())
    assert "metric reel_bus_calls_total refused: reel_bus_* names are the host's own metrics" in log
    assert "metric fixture_pings_total refused" in log
    assert "metric reel_fixture_pings refused: a counter's name ends in _total" in log
    assert 'metric reel_fixture_seconds refused: a histogram cannot have a label "le"' in log
    assert "metric reel_fixture_seconds refused: bucket bounds must increase strictly" in log
    assert "metric reel_fixture_pings_total refused: reel_fixture_pings_total is already registered as a counter" in log
    assert "metric reel_fixture_other refused: unknown kind 99" in log
    assert "reel_fixture_pings_total: 0 label values for 1 labels" in log
    promtool_check(text)

    before = host.plugins()["metrics-probe"]
    swapped = host.root / "metrics-probe-next.so"
    swapped.write_bytes((reel_env.fixtures / "metrics-probe.so").read_bytes() + b"\0metrics-test")
    host.install_plugin(swapped, "metrics-probe.so")
    wait_until(lambda: host.plugins()["metrics-probe"]["generation"] != before["generation"], what="the hot-swap")
    ping()
    text = scrape(host)
    assert value(text, "reel_fixture_pings_total", outcome="ok") == 3
    one_family(text, "reel_fixture_pings_total")
    assert value(text, "reel_plugin_hot_swaps_total", name="metrics-probe") == 1
    promtool_check(text)
    host.assert_healthy()
