"""tools/bench upload: Reel's tus upload throughput against `dd` writing the
same bytes to the same disk, in one run, and the host's peak RSS.

The upload is one tus PATCH over loopback of a real video file (so the
upload completes: probe, storage, video row), sent by curl. dd writes the
same number of bytes with fsync (Reel fsyncs before answering). Ratio = Reel
MB/s / dd MB/s (target >= 0.9). A third line, "raw", is the same curl
PATCH into a bare loopback socket whose reader writes the body to a file
(64 KiB reads): the same pipeline without an HTTP server, to tell Reel's
cost from the machine's (on a busy machine the two processes and two extra
copies of a socket pipeline lose to dd's one).
The host's resident memory is sampled during the upload: its growth over
the resident size before it (target < 64 MiB).
The generated source video is kept (`bench-upload-<MB>.mp4` in the data
folder) for the next run."""
import argparse
import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import requests

from benchkit import free_port, psql, wait_ready


def status_mb(pid: int, field: str) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


class RSSSampler(threading.Thread):
    """The highest VmRSS of `pid` seen while running (every 20 ms)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, status_mb(self.pid, "VmRSS"))
            self.stopped.wait(0.02)

    def stop(self) -> float:
        self.stopped.set()
        self.join()
        return max(self.peak, status_mb(self.pid, "VmRSS"))


def socket_to_file(source: str, target: str) -> float:
    """The same pipeline without an HTTP server: curl sends the same
    PATCH to a bare loopback socket whose reader writes the body to a file
    (64 KiB reads) and fsyncs it. Seconds taken."""
    size = os.path.getsize(source)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        started = time.perf_counter()
        curl = subprocess.Popen(["curl", "-sS", "-o", "/dev/null", "-X", "PATCH", "-T", source, "-H", "Expect:",
                                 f"http://127.0.0.1:{server.getsockname()[1]}/upload"])
        conn, _ = server.accept()
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                head += conn.recv(4096)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            body = head.split(b"\r\n\r\n", 1)[1]
            os.write(fd, body)
            got, buffer = len(body), bytearray(1 << 16)
            view = memoryview(buffer)
            while got < size:
                n = conn.recv_into(buffer)
                if n == 0:
                    break
                os.write(fd, view[:n])
                got += n
            os.fsync(fd)
            os.close(fd)
            conn.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
        curl.wait()
        return time.perf_counter() - started


def make_video(path: str, megabytes: int) -> None:
    """A real H.264 video of just over `megabytes` MiB (a testsrc at a
    constant bitrate of about 200 Mb/s, x264 filling up to it), so the upload
    ends in a playable file."""
    seconds = max(4, megabytes // 25)
    rate = f"{megabytes * 2**20 * 8 // (seconds * 10**6) + 2}M"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={seconds}",
                    "-c:v", "libx264", "-preset", "ultrafast", "-b:v", rate, "-minrate", rate, "-maxrate", rate,
                    "-bufsize", rate, "-x264-params", "nal-hrd=cbr", "-pix_fmt", "yuv420p", path], check=True)


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--bin", required=True)
    args.add_argument("--plugins", required=True)
    args.add_argument("--data", required=True)
    args.add_argument("--mb", type=int, default=1024, help="MiB")
    opts = args.parse_args()
    # SIGTERM (e.g. from tools/bench's trap) unwinds like Ctrl-C: the host is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    work = tempfile.mkdtemp(prefix="upload-", dir=opts.data)
    source = os.path.join(opts.data, f"bench-upload-{opts.mb}.mp4")
    if not os.path.exists(source):
        make_video(source + ".tmp.mp4", opts.mb)
        os.rename(source + ".tmp.mp4", source)
    size = os.path.getsize(source)
    # A database of its own: the first account registered is the admin who uploads.
    server = os.environ["REEL_DATABASE_URL"]
    name = f"reel_bench_upload_{os.getpid()}"
    psql(server, f"CREATE DATABASE {name}")
    url = server.replace("/reel?", f"/{name}?") if "/reel?" in server else server + f"_{name}"
    port = free_port()
    env = dict(os.environ, REEL_DATABASE_URL=url, REEL_HTTP_PORT=str(port), REEL_DATA_DIR=os.path.join(work, "host"), REEL_ADMIN_ADDR="off",
               REEL_PLUGINS_DIR=opts.plugins, REEL_PLUGIN_WATCH_SECONDS="0", REEL_LOG_LEVEL="warning",
               REEL_TRANSCODER_WORKER="off", REEL_SAMPLE_VIDEO="")
    host = subprocess.Popen([opts.bin, "serve"], env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, host, tries=200)
        email, password = f"bench-{port}@example.com", "a benchmark passphrase"
        requests.post(base + "/api/v1/auth/register", json={"email": email, "password": password, "displayName": "Bench"})
        token = requests.post(base + "/api/v1/auth/login", json={"email": email, "password": password}).json()["accessToken"]
        auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
        metadata = "filename " + base64.b64encode(b"source.mp4").decode() + ",title " + base64.b64encode(b"Bench").decode()
        created = requests.post(base + "/api/v1/uploads", headers={**auth, "Upload-Length": str(size), "Upload-Metadata": metadata})
        created.raise_for_status()
        location = base + created.headers["Location"]
        rss_before = status_mb(host.pid, "VmRSS")
        sampler = RSSSampler(host.pid)
        os.sync()  # each run starts with nothing of the others left to write back
        sampler.start()
        started = time.perf_counter()
        # curl streams the file (no Expect: 100-continue round trip); -w prints status and Reel-Video-Id.
        patched = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-X", "PATCH", "-T", source, "-H", "Expect:",
                                  "-H", f"Authorization: Bearer {token}", "-H", "Tus-Resumable: 1.0.0",
                                  "-H", "Upload-Offset: 0", "-H", "Content-Type: application/offset+octet-stream",
                                  "-w", "%{http_code} %header{reel-video-id}", location],
                                 capture_output=True, text=True)
        reel_seconds = time.perf_counter() - started
        rss_peak = sampler.stop()
        if not patched.stdout.startswith("204 ") or len(patched.stdout.split()) != 2:
            sys.exit(f"upload failed: {patched.stdout} {patched.stderr}")
    finally:
        host.send_signal(signal.SIGTERM)
        host.wait(timeout=30)
        psql(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    target = os.path.join(work, "dd.out")
    os.sync()
    started = time.perf_counter()
    subprocess.run(["dd", f"if={source}", f"of={target}", "bs=1M", "conv=fsync", "status=none"], check=True)
    dd_seconds = time.perf_counter() - started
    os.unlink(target)
    os.sync()
    raw_seconds = socket_to_file(source, os.path.join(work, "raw.out"))

    mb = size / 1e6
    reel_rate, dd_rate = mb / reel_seconds, mb / dd_seconds
    print(f"upload benchmark: {mb:.0f} MB over loopback (one tus PATCH) vs dd to the same disk")
    print(f"  reel : {reel_seconds:7.2f} s  {reel_rate:8.1f} MB/s  (includes probe and move into storage)")
    print(f"  dd   : {dd_seconds:7.2f} s  {dd_rate:8.1f} MB/s")
    print(f"  raw  : {raw_seconds:7.2f} s  {mb / raw_seconds:8.1f} MB/s  (curl to a bare socket written to a file: "
          "the pipeline without a server)")
    print(f"  ratio reel/dd: {reel_rate / dd_rate:.2f} (target >= 0.9); reel/raw: {raw_seconds / reel_seconds:.2f}")
    growth = rss_peak - rss_before
    print(f"  host RSS: {rss_before:.0f} MiB before, {rss_peak:.0f} MiB at most during the upload: "
          f"growth {growth:.0f} MiB (target < 64; file: {size / 2**20:.0f} MiB)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
