"""The scale-out topology on one machine (tools/cluster): nginx in front of
two gateway hosts, two transcoder-only worker hosts, one PostgreSQL, the S3
test server and the SMTP test server, all real processes on loopback.

A clip is uploaded through the load balancer (its PATCHes on different
gateways), transcoded by a worker host, played through both gateways,
commented and put on a watchlist on one gateway and read on the other; then a
gateway is killed with SIGKILL and requests through nginx still succeed. A
gateway killed in the middle of an upload: the client resumes through the
survivor and the stored original has the right bytes. The worker holding a
job killed: the other worker finishes it."""
from __future__ import annotations

import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import uuid
from pathlib import Path

import boto3
import pytest
import requests

from reeltest.host import REPO, free_port, wait_until

CLUSTER = REPO / "tools" / "cluster"
TUS = {"Tus-Resumable": "1.0.0"}
# Fast settings for tests (as the transcoder's suite): quickest preset, quick polls.
FAST = {
    "REEL_TRANSCODER_PRESET": "ultrafast",
    "REEL_TRANSCODER_LEASE_SECONDS": "4",
    "REEL_TRANSCODER_POLL_SECONDS": "1",
    "REEL_TRANSCODER_RETRY_SECONDS": "1",
    "REEL_VIDEO_OUTBOX_POLL_SECONDS": "1",
}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class Cluster:
    def __init__(self, folder: Path, port: int):
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("REEL_")}
        self.env.update(FAST)
        self.env.update({
            "REEL_CLUSTER_DIR": str(folder),
            "REEL_CLUSTER_PORT": str(port),
            "REEL_CLUSTER_BIN": os.environ["REEL_TEST_BIN"],
            "REEL_CLUSTER_PLUGINS_FROM": os.environ["REEL_TEST_PLUGINS"],
        })
        self.addresses: dict[str, str] = {}

    def run(self, command: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([str(CLUSTER), command], env=self.env, capture_output=True, text=True, timeout=timeout)

    def up(self) -> None:
        done = self.run("up")
        assert done.returncode == 0, f"tools/cluster up failed:\n{done.stdout}\n{done.stderr}\n{self.logs()}"
        listed = self.run("env")
        assert listed.returncode == 0, listed.stderr
        self.addresses = dict(line.split("=", 1) for line in listed.stdout.splitlines() if "=" in line)

    def logs(self) -> str:
        text = []
        for log in sorted(self.folder.glob("*/host.log")) + sorted(self.folder.glob("nginx/error.log")):
            text.append(f"--- {log}\n{log.read_text(errors='replace')[-3000:]}")
        return "\n".join(text)

    def url(self, name: str) -> str:
        return self.addresses[f"{name.upper().replace('-', '_')}_URL"]

    def pid(self, name: str) -> int:
        return int(self.addresses[f"{name.upper().replace('-', '_')}_PID"])


@pytest.fixture(scope="module")
def cluster():
    for tool in ("nginx", "ffmpeg"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            pytest.fail(f"{tool} is missing (tools/dev deps installs it)")
    if not os.environ.get("REEL_TEST_BIN") or not os.environ.get("REEL_TEST_PLUGINS"):
        pytest.skip("REEL_TEST_BIN / REEL_TEST_PLUGINS are not set (run through tools/dev live)")
    # Under the test data dir: PostgreSQL runs as `postgres` when tests run as
    # root, and pytest's tmp folders are private to root.
    base = Path(os.environ.get("REEL_DATA_DIR", REPO / ".reel-test"))
    folder = base / f"cluster-{uuid.uuid4().hex[:8]}"
    cluster = Cluster(folder, free_port())
    try:
        cluster.up()
        yield cluster
    finally:
        down = cluster.run("down", timeout=120)
        pids = [v for k, v in cluster.addresses.items() if k.endswith("_PID") and v]
        shutil.rmtree(folder, ignore_errors=True)
        assert down.returncode == 0, down.stderr
        for pid in pids:  # everything it started is gone
            assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cluster-clip") / "clip.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=3",
                    "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-movflags", "+faststart", "-shortest", str(path)], check=True, timeout=120)
    return path


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory) -> Path:
    """Long enough that its encode is still running when its worker is killed."""
    path = tmp_path_factory.mktemp("cluster-long-clip") / "long.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25:duration=30",
                    "-f", "lavfi", "-i", "sine=frequency=440:duration=30",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-movflags", "+faststart", "-shortest", str(path)], check=True, timeout=300)
    return path


ACCOUNT = {}


def gone(pid: int) -> bool:
    """The process has exited (reaped, or a zombie: its files are closed)."""
    try:
        return "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    except FileNotFoundError:
        return True


def sign_in_again(lb: str) -> dict:
    """The operator account of this cluster (the first one: admin), signed in again."""
    if not ACCOUNT:  # (a test run alone)
        return sign_in(lb)
    login = requests.post(f"{lb}/api/v1/auth/login", json=ACCOUNT, timeout=30)
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['accessToken']}"}


def sign_in(lb: str) -> dict:
    email = f"ops-{uuid.uuid4().hex[:8]}@example.com"
    password = "a long passphrase for the cluster"
    registered = requests.post(f"{lb}/api/v1/auth/register", timeout=30,
                               json={"email": email, "password": password, "displayName": "Operator"})
    assert registered.status_code == 201, registered.text
    assert registered.json()["user"]["role"] == "admin"  # the first account of an empty instance
    ACCOUNT.update(email=email, password=password)
    login = requests.post(f"{lb}/api/v1/auth/login", json={"email": email, "password": password}, timeout=30)
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['accessToken']}"}


def test_status_lists_every_process_with_its_address(cluster):
    done = cluster.run("status")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines()[1:]}
    assert set(lines) == {"nginx", "gateway-1", "gateway-2", "worker-1", "worker-2", "postgresql", "s3", "smtp"}
    for name in ("gateway-1", "gateway-2", "worker-1", "worker-2"):
        assert " ready " in lines[name], lines[name]
        assert cluster.url(name) in lines[name]
    assert cluster.addresses["LB_URL"] in lines["nginx"]
    assert "smtp://127.0.0.1:" in lines["smtp"]
    # Workers load only the transcoder; gateways everything, no encodes.
    for worker in ("worker-1", "worker-2"):
        ready = requests.get(cluster.url(worker) + "/readyz", timeout=10).json()
        assert [p["name"] for p in ready["plugins"]] == ["transcoder"], ready
    for gateway in ("gateway-1", "gateway-2"):
        ready = requests.get(cluster.url(gateway) + "/readyz", timeout=10).json()
        assert {"auth", "video", "transcoder"} <= {p["name"] for p in ready["plugins"]}, ready


def test_upload_transcode_play_and_survive_a_dead_gateway(cluster, clip):
    lb, gw1, gw2 = cluster.addresses["LB_URL"], cluster.url("gateway-1"), cluster.url("gateway-2")
    bearer = sign_in(lb)
    data = clip.read_bytes()
    half = len(data) // 2

    # tus: created through nginx, the first half to gateway-1, the offset seen
    # by gateway-2, the rest through nginx (partial uploads are shared).
    created = requests.post(f"{lb}/api/v1/uploads", timeout=30, headers={
        **TUS, **bearer, "Upload-Length": str(len(data)),
        "Upload-Metadata": f"filename {b64('clip.mp4')},title {b64('Cluster clip')}"})
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    path = location if location.startswith("/") else "/" + location.split("/", 3)[3]
    patch = {**TUS, **bearer, "Content-Type": "application/offset+octet-stream"}
    first = requests.patch(gw1 + path, data=data[:half], headers={**patch, "Upload-Offset": "0"}, timeout=60)
    assert first.status_code == 204, first.text
    head = requests.head(gw2 + path, headers={**TUS, **bearer}, timeout=30)
    assert head.status_code == 200 and head.headers["Upload-Offset"] == str(half), head.headers
    last = requests.patch(lb + path, data=data[half:], headers={**patch, "Upload-Offset": str(half)}, timeout=60)
    assert last.status_code == 204, last.text
    video_id = last.headers["Reel-Video-Id"]

    def ready():
        video = requests.get(f"{lb}/api/v1/videos/{video_id}", headers=bearer, timeout=30).json()
        assert video.get("state") != "failed", video
        return video if video.get("state") == "ready" else None
    video = wait_until(ready, timeout=240, interval=0.5, what="the clip to be transcoded")

    # A worker host ran the job: gateways run no encodes (REEL_TRANSCODER_WORKER=off).
    job = requests.get(f"{lb}/api/v1/transcoder/jobs/{video_id}", headers=bearer, timeout=30).json()
    assert job["state"] == "succeeded", job
    started = f"transcode of video {video_id} started"
    ran_on = [name for name in ("gateway-1", "gateway-2", "worker-1", "worker-2")
              if started in (cluster.folder / name / "host.log").read_text(errors="replace")]
    assert ran_on and set(ran_on) <= {"worker-1", "worker-2"}, ran_on

    # Played through both gateways and nginx: the same bytes from shared storage.
    master_url = video["hlsUrl"]
    masters = {base: requests.get(base + master_url, headers=bearer, timeout=30) for base in (gw1, gw2, lb)}
    for base, response in masters.items():
        assert response.status_code == 200, (base, response.text)
    assert len({r.content for r in masters.values()}) == 1
    variant = next(line for line in masters[lb].text.splitlines() if line and not line.startswith("#"))
    media_playlist_url = master_url.rsplit("/", 1)[0] + "/" + variant
    playlist = requests.get(gw2 + media_playlist_url, headers=bearer, timeout=30)
    assert playlist.status_code == 200 and "#EXT-X-ENDLIST" in playlist.text, playlist.text
    segment = next(line for line in playlist.text.splitlines() if line and not line.startswith("#"))
    segment_url = media_playlist_url.rsplit("/", 1)[0] + "/" + segment
    segments = [requests.get(base + segment_url, headers=bearer, timeout=30) for base in (gw1, gw2)]
    assert [s.status_code for s in segments] == [200, 200]
    assert segments[0].content == segments[1].content and len(segments[0].content) > 1000

    # Comment and watchlist: written on one gateway, read on the other.
    comment = requests.post(f"{gw1}/api/v1/videos/{video_id}/comments", json={"text": "seen from gateway-1"},
                            headers=bearer, timeout=30)
    assert comment.status_code == 201, comment.text
    listed = requests.get(f"{gw2}/api/v1/videos/{video_id}/comments", headers=bearer, timeout=30)
    assert listed.status_code == 200, listed.text
    assert [c["text"] for c in listed.json()["items"]] == ["seen from gateway-1"]
    added = requests.put(f"{gw2}/api/v1/me/watchlist/{video_id}", headers=bearer, timeout=30)
    assert added.status_code == 204, added.text
    mine = requests.get(f"{gw1}/api/v1/me/watchlist", headers=bearer, timeout=30)
    assert mine.status_code == 200, mine.text
    assert [item["video"]["id"] for item in mine.json()["items"]] == [video_id]

    # kill -9 one gateway: nginx sends everything to the survivor.
    os.kill(cluster.pid("gateway-1"), signal.SIGKILL)
    wait_until(lambda: gone(cluster.pid("gateway-1")), timeout=15, what="gateway-1 to die")
    for _ in range(6):
        assert requests.get(lb + "/livez", timeout=30).status_code == 200
        got = requests.get(f"{lb}/api/v1/videos/{video_id}", headers=bearer, timeout=30)
        assert got.status_code == 200 and got.json()["id"] == video_id, got.text
        again = requests.get(lb + segment_url, headers=bearer, timeout=30)
        assert again.status_code == 200 and again.content == segments[0].content
    status = cluster.run("status")
    assert status.returncode == 3 and re.search(r"^gateway-1\s+down", status.stdout, re.M), status.stdout
    # Which gateway answered is in nginx's access log: after the kill, only gateway-2.
    access = (cluster.folder / "nginx" / "access.log").read_text()
    assert f"upstream={gw2.split('//')[1]}" in access


def restart_missing(cluster) -> None:
    """`tools/cluster up` on a running cluster restarts what is down, on its old ports."""
    cluster.up()
    done = cluster.run("status")
    assert done.returncode == 0, done.stdout + done.stderr


def test_upload_resumes_through_the_survivor_after_kill_9_of_its_gateway(cluster, clip):
    restart_missing(cluster)
    lb, gw1, gw2 = cluster.addresses["LB_URL"], cluster.url("gateway-1"), cluster.url("gateway-2")
    bearer = sign_in_again(lb)
    data = clip.read_bytes()
    half = len(data) // 2
    created = requests.post(f"{lb}/api/v1/uploads", timeout=30, headers={
        **TUS, **bearer, "Upload-Length": str(len(data)), "Upload-Metadata": f"filename {b64('resumed.mp4')}"})
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    path = location if location.startswith("/") else "/" + location.split("/", 3)[3]

    # A PATCH to gateway-2 that sends half its body, then gateway-2 dies.
    port = int(gw2.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = (f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTus-Resumable: 1.0.0\r\n"
            f"Authorization: {bearer['Authorization']}\r\nUpload-Offset: 0\r\n"
            f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(data)}\r\n\r\n").encode()
    sock.sendall(head + data[:half])

    def offset(base: str) -> int | None:
        answer = requests.head(base + path, headers={**TUS, **bearer}, timeout=30)
        return int(answer.headers["Upload-Offset"]) if answer.status_code == 200 else None
    wait_until(lambda: offset(gw1) == half, timeout=30, what="the first half on the shared upload folder")
    os.kill(cluster.pid("gateway-2"), signal.SIGKILL)
    sock.close()
    wait_until(lambda: gone(cluster.pid("gateway-2")), timeout=15, what="gateway-2 to die")

    # The client resumes through nginx as a tus client does: HEAD for the
    # offset, PATCH the rest; a 502 (nginx never re-sends a PATCH that went to
    # a kept-alive connection of the dead gateway) means: ask again and retry.
    def resume():
        at = offset(lb)
        if at is None:
            return None
        assert at == half, at
        answer = requests.patch(lb + path, data=data[at:], timeout=60, headers={
            **TUS, **bearer, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(at)})
        # 423: the dead gateway's lock on the partial file is not released yet.
        assert answer.status_code in (204, 423, 502), answer.text
        return answer if answer.status_code == 204 else None
    rest = wait_until(resume, timeout=30, interval=0.2, what="the upload to finish through the survivor")
    video_id = rest.headers["Reel-Video-Id"]

    # The stored original has exactly the bytes of the clip.
    key = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-d", cluster.addresses["DATABASE_URL"], "-c",
                          f"SELECT source_key FROM video.videos WHERE id = '{video_id}'"],
                         capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    assert key, video_id
    s3 = boto3.client("s3", endpoint_url=cluster.addresses["S3_URL"], region_name="us-east-1",
                      aws_access_key_id="cluster", aws_secret_access_key="cluster-secret")
    stored = s3.get_object(Bucket=cluster.addresses["S3_BUCKET"], Key=key)["Body"].read()
    assert stored == data


def test_kill_9_of_the_worker_holding_a_job_the_other_worker_finishes_it(cluster, long_clip):
    restart_missing(cluster)
    lb = cluster.addresses["LB_URL"]
    bearer = sign_in_again(lb)
    data = long_clip.read_bytes()
    created = requests.post(f"{lb}/api/v1/uploads", timeout=30, headers={
        **TUS, **bearer, "Upload-Length": str(len(data)), "Upload-Metadata": f"filename {b64('long.mp4')}"})
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    path = location if location.startswith("/") else "/" + location.split("/", 3)[3]
    done = requests.patch(lb + path, data=data, timeout=120, headers={
        **TUS, **bearer, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"})
    assert done.status_code == 204, done.text
    video_id = done.headers["Reel-Video-Id"]

    def running():
        answer = requests.get(f"{lb}/api/v1/transcoder/jobs/{video_id}", headers=bearer, timeout=30)
        job = answer.json() if answer.status_code == 200 else {}
        return job if job.get("state") == "running" and job.get("worker") else None
    holder = wait_until(running, timeout=120, interval=0.1, what="a worker to take the job")["worker"]
    assert holder in ("worker-1", "worker-2")
    other = "worker-2" if holder == "worker-1" else "worker-1"
    os.kill(cluster.pid(holder), signal.SIGKILL)

    def settled():
        job = requests.get(f"{lb}/api/v1/transcoder/jobs/{video_id}", headers=bearer, timeout=30).json()
        return job if job.get("state") in ("succeeded", "failed") else None
    job = wait_until(settled, timeout=240, interval=0.5, what="the other worker to finish the job")
    assert job["state"] == "succeeded" and job["attempts"] == 2, job
    log = (cluster.folder / other / "host.log").read_text(errors="replace")
    assert f"transcode of video {video_id} started" in log
    # The job's result reaches the video through a gateway's reporter, a moment later.
    wait_until(lambda: requests.get(f"{lb}/api/v1/videos/{video_id}", headers=bearer, timeout=30).json()["state"]
               == "ready", timeout=60, interval=0.5, what="the video to be ready")


def register_from(source: str, lb: str) -> int:
    """POST /api/v1/auth/register through nginx from a given loopback address."""
    host, port = lb.split("//", 1)[1].rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    try:
        body = {"email": f"c-{uuid.uuid4().hex[:10]}@example.com", "password": "a long passphrase here",
                "displayName": "Client"}
        connection.request("POST", "/api/v1/auth/register", body=json.dumps(body),
                           headers={"Content-Type": "application/json"})
        return connection.getresponse().status
    finally:
        connection.close()


def test_behind_nginx_each_client_is_limited_on_its_own_address(cluster):
    """The gateways see only nginx's address; with REEL_TRUSTED_PROXIES they
    take the client's from X-Forwarded-For, so the registration limit (5 per
    address and window) counts each client, not the whole site."""
    restart_missing(cluster)
    lb = cluster.addresses["LB_URL"]
    assert [register_from(f"127.0.0.{10 + i}", lb) for i in range(6)] == [201] * 6
    assert [register_from("127.0.0.30", lb) for _ in range(6)] == [201] * 5 + [429]
    # A client's own X-Forwarded-For is replaced by nginx: no way around the limit.
    spoofed = requests.post(f"{lb}/api/v1/auth/register", timeout=30, headers={"X-Forwarded-For": "203.0.113.9"},
                            json={"email": f"s-{uuid.uuid4().hex[:8]}@example.com", "password": "a long passphrase here",
                                  "displayName": "Spoof"})
    assert spoofed.status_code == 201, spoofed.text
    log = (cluster.folder / "gateway-1" / "host.log").read_text() + (cluster.folder / "gateway-2" / "host.log").read_text()
    assert '"remote":"127.0.0.30"' in log.replace(" ", "")
    assert "203.0.113.9" not in log


def test_postgresql_restart_under_traffic_fails_cleanly_and_recovers(cluster):
    restart_missing(cluster)
    lb = cluster.addresses["LB_URL"]
    bearer = sign_in_again(lb)
    assert requests.get(f"{lb}/api/v1/videos", timeout=30).status_code == 200
    pg_env = {**cluster.env, "REEL_DATA_DIR": str(cluster.folder)}
    stop = subprocess.run([str(REPO / "tools" / "pg"), "stop"], env=pg_env, capture_output=True, text=True, timeout=120)
    assert stop.returncode == 0, stop.stderr
    try:
        # While it is down: every host alive, none ready, and requests that need
        # the database answer a clean JSON error (never a hang or an HTML page).
        for name in ("gateway-1", "gateway-2", "worker-1", "worker-2"):
            assert requests.get(cluster.url(name) + "/livez", timeout=30).status_code == 200
            assert requests.get(cluster.url(name) + "/readyz", timeout=30).status_code == 503
        for path, headers in (("/api/v1/videos", {}), ("/api/v1/users/me", bearer)):
            answer = requests.get(lb + path, headers=headers, timeout=60)
            assert answer.status_code == 503, (path, answer.status_code, answer.text)
            assert answer.json()["error"]["code"], answer.text
    finally:
        start = subprocess.run([str(REPO / "tools" / "pg"), "start"], env=pg_env, capture_output=True, text=True,
                               timeout=120)
        assert start.returncode == 0, start.stderr
    # Back without restarting any host.
    for name in ("gateway-1", "gateway-2", "worker-1", "worker-2"):
        wait_until(lambda: requests.get(cluster.url(name) + "/readyz", timeout=30).status_code == 200,
                   timeout=60, what=f"{name} ready again")
    wait_until(lambda: requests.get(f"{lb}/api/v1/videos", timeout=30).status_code == 200, timeout=60,
               what="the catalog through nginx again")
    me = wait_until(lambda: (lambda r: r if r.status_code == 200 else None)(
        requests.get(f"{lb}/api/v1/users/me", headers=bearer, timeout=30)), timeout=60, what="users/me again")
    assert me.json()["email"] == ACCOUNT["email"]
    assert cluster.run("status").returncode == 0

