"""tools/bench upload: Reel's tus upload throughput against `dd` writing the
same bytes to the same disk, in one run, and the host's peak RSS.

The upload is one tus PATCH over loopback of a real video file (so the
upload completes: probe, storage, video row). dd writes the same number of
bytes with fsync (Reel fsyncs before answering). Ratio = Reel MB/s / dd MB/s."""
import argparse
import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def make_video(path: str, megabytes: int) -> None:
    """A real H.264 video of roughly the requested size (a high bitrate
    testsrc), so the upload ends in a playable file."""
    seconds = max(4, megabytes // 6)  # ultrafast undershoots the bitrate: files come out smaller
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={seconds}",
                    "-c:v", "libx264", "-preset", "ultrafast", "-b:v", f"{megabytes * 8 // seconds}M", "-pix_fmt", "yuv420p",
                    path], check=True)


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--bin", required=True)
    args.add_argument("--plugins", required=True)
    args.add_argument("--data", required=True)
    args.add_argument("--mb", type=int, default=512)
    opts = args.parse_args()

    work = tempfile.mkdtemp(prefix="upload-", dir=opts.data)
    source = os.path.join(work, "source.mp4")
    make_video(source, opts.mb)
    size = os.path.getsize(source)
    port = free_port()
    env = dict(os.environ, REEL_HTTP_PORT=str(port), REEL_DATA_DIR=os.path.join(work, "host"), REEL_ADMIN_ADDR="off",
               REEL_PLUGINS_DIR=opts.plugins, REEL_PLUGIN_WATCH_SECONDS="0", REEL_LOG_LEVEL="warning")
    host = subprocess.Popen([opts.bin, "serve"], env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if requests.get(base + "/readyz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        email, password = f"bench-{port}@example.com", "a benchmark passphrase"
        requests.post(base + "/api/v1/auth/register", json={"email": email, "password": password, "displayName": "Bench"})
        token = requests.post(base + "/api/v1/auth/login", json={"email": email, "password": password}).json()["accessToken"]
        auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
        metadata = "filename " + base64.b64encode(b"source.mp4").decode() + ",title " + base64.b64encode(b"Bench").decode()
        created = requests.post(base + "/api/v1/uploads", headers={**auth, "Upload-Length": str(size), "Upload-Metadata": metadata})
        created.raise_for_status()
        location = base + created.headers["Location"]
        rss_before = peak_rss_mb(host.pid)

        with open(source, "rb") as body:
            started = time.perf_counter()
            patched = requests.patch(location, data=body, headers={**auth, "Upload-Offset": "0",
                                                                   "Content-Type": "application/offset+octet-stream"})
            reel_seconds = time.perf_counter() - started
        if patched.status_code != 204:
            sys.exit(f"upload failed: {patched.status_code} {patched.text}")
        rss_peak = peak_rss_mb(host.pid)
    finally:
        host.send_signal(signal.SIGTERM)
        host.wait(timeout=30)

    target = os.path.join(work, "dd.out")
    started = time.perf_counter()
    subprocess.run(["dd", f"if={source}", f"of={target}", "bs=1M", "conv=fsync", "status=none"], check=True)
    dd_seconds = time.perf_counter() - started

    mb = size / 1e6
    reel_rate, dd_rate = mb / reel_seconds, mb / dd_seconds
    print(f"upload benchmark: {mb:.0f} MB over loopback (one tus PATCH) vs dd to the same disk")
    print(f"  reel : {reel_seconds:7.2f} s  {reel_rate:8.1f} MB/s  (includes probe and move into storage)")
    print(f"  dd   : {dd_seconds:7.2f} s  {dd_rate:8.1f} MB/s")
    print(f"  ratio reel/dd: {reel_rate / dd_rate:.2f}")
    print(f"  host peak RSS: {rss_peak:.0f} MB (before the upload: {rss_before:.0f} MB; file: {mb:.0f} MB)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
