"""tools/bench stream: Reel's media routes against nginx serving the same
segment folder, in one run, driven by wrk with the same connections.

The stream is real CMAF HLS (fMP4, ~4 s segments of 1-2 MB) made with the
ffmpeg CLI, placed in Reel's local media storage under
videos/<id>/streams/a1-bench/ for a public, ready video. nginx (Debian's,
started here on loopback with its own config: sendfile on, access log to a
file as Reel writes one per request) serves that media folder at the same
/media/ URLs. For each file kind (a small media playlist, a segment) wrk
runs against nginx, then against Reel, --repeat times (medians reported, so
that a burst of other work on the machine does not decide the ratio); both
answers are checked byte for byte first. Ratios: Reel / nginx (targets:
throughput >= 0.9, p99 <= 1.2)."""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import requests

ATTEMPT = "a1-bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, what: str) -> None:
    for _ in range(300):
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    sys.exit(f"{what} did not start")


def make_stream(folder: str, seconds: int) -> None:
    """One 720p rendition at ~3 Mb/s in 4 s CMAF segments (~1.5 MB each)."""
    rendition = os.path.join(folder, "720p")
    os.makedirs(rendition, exist_ok=True)
    subprocess.run([
        "ffmpeg", "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=25:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "3M", "-maxrate", "3M", "-bufsize", "6M",
        "-g", "100", "-keyint_min", "100", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
        "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", os.path.join(rendition, "seg-%05d.m4s"),
        os.path.join(rendition, "index.m3u8")], check=True)
    with open(os.path.join(folder, "master.m3u8"), "w") as f:
        f.write("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=3300000,RESOLUTION=1280x720\n720p/index.m3u8\n")


def nginx_config(work: str, media: str, port: int) -> str:
    for name in ("tmp", "logs"):
        os.makedirs(os.path.join(work, name), exist_ok=True)
    path = os.path.join(work, "nginx.conf")
    tmp = os.path.join(work, "tmp")
    with open(path, "w") as f:
        f.write(f"""
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    types {{
        application/vnd.apple.mpegurl m3u8;
        application/dash+xml mpd;
        video/iso.segment m4s;
        video/mp4 mp4;
        image/jpeg jpg;
    }}
    default_type application/octet-stream;
    access_log {work}/logs/access.log;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location /media/ {{ alias {media}/; }}
    }}
}}
""")
    return path


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
SIZES = {"B": 1e-6, "KB": 1024 / 1e6, "MB": 1024 ** 2 / 1e6, "GB": 1024 ** 3 / 1e6}


def wrk(url: str, connections: int, threads: int, seconds: int) -> dict:
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out).groups()
    p99, p99_unit = re.search(r"^\s+99%\s+([\d.]+)(\w+)", out, re.M).groups()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "mbps": float(value) * SIZES[unit], "p99": float(p99) * UNITS[p99_unit],
            "errors": (int(errors.group(1)) if errors else 0), "socket": socket_errors.group(1) if socket_errors else ""}


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--bin", required=True)
    args.add_argument("--plugins", required=True)
    args.add_argument("--data", required=True)
    args.add_argument("--seconds", type=int, default=10, help="wrk duration of each run")
    args.add_argument("--repeat", type=int, default=3,
                      help="runs per server and file, interleaved (nginx, reel, nginx, ...); medians are reported")
    args.add_argument("--connections", type=int, default=32)
    args.add_argument("--threads", type=int, default=2, help="wrk threads")
    args.add_argument("--reel-threads", type=int, default=os.cpu_count(),
                      help="REEL_HTTP_THREADS (one per core, as nginx's worker_processes auto)")
    opts = args.parse_args()
    database = os.environ.get("REEL_DATABASE_URL")
    if not database:
        sys.exit("REEL_DATABASE_URL is not set (tools/bench stream starts the private cluster)")
    for tool in ("nginx", "wrk", "ffmpeg", "psql"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (tools/dev deps)")

    work = os.path.abspath(tempfile.mkdtemp(prefix="stream-", dir=opts.data))
    os.chmod(work, 0o755)  # nginx workers (www-data when started as root) read the media folder
    media = os.path.join(work, "media")
    video_id = str(uuid.uuid4())
    stream = os.path.join(media, "videos", video_id, "streams", ATTEMPT)
    make_stream(stream, seconds=40)
    for root, dirs, files in os.walk(work):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)
    segment_sizes = sorted(os.path.getsize(os.path.join(stream, "720p", n)) for n in os.listdir(os.path.join(stream, "720p"))
                           if n.endswith(".m4s"))

    reel_port, nginx_port = free_port(), free_port()
    env = dict(os.environ, REEL_HTTP_PORT=str(reel_port), REEL_DATA_DIR=os.path.join(work, "host"), REEL_ADMIN_ADDR="off",
               REEL_MEDIA_DIR=media, REEL_PLUGINS_DIR=opts.plugins, REEL_PLUGINS="video",
               REEL_PLUGIN_WATCH_SECONDS="0", REEL_LOG_LEVEL="warning", REEL_HTTP_THREADS=str(opts.reel_threads))
    reel_log = open(os.path.join(work, "reel.log"), "wb")
    reel = subprocess.Popen([opts.bin, "serve"], env=env, stdout=reel_log, stderr=reel_log)
    nginx = subprocess.Popen(["nginx", "-p", work, "-c", nginx_config(work, media, nginx_port), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    reel_base, nginx_base = f"http://127.0.0.1:{reel_port}", f"http://127.0.0.1:{nginx_port}"
    results = {}
    try:
        wait_http(nginx_base + "/", "nginx")
        for _ in range(300):
            try:
                if requests.get(reel_base + "/readyz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        else:
            sys.exit("reel did not become ready")
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database, "-c",
                        f"INSERT INTO video.videos (id, owner_id, title, state, visibility, duration_seconds) "
                        f"VALUES ('{video_id}', '{uuid.uuid4()}', 'stream benchmark', 'ready', 'public', 40)"], check=True)
        # The largest segment: a 1-2 MB file.
        segment = max((n for n in os.listdir(os.path.join(stream, "720p")) if n.endswith(".m4s")),
                      key=lambda n: os.path.getsize(os.path.join(stream, "720p", n)))
        cases = [("playlist", f"/media/videos/{video_id}/streams/{ATTEMPT}/720p/index.m3u8"),
                 ("segment", f"/media/videos/{video_id}/streams/{ATTEMPT}/720p/{segment}")]
        for name, path in cases:
            a, b = requests.get(nginx_base + path), requests.get(reel_base + path)
            if a.status_code != 200 or b.status_code != 200 or a.content != b.content:
                sys.exit(f"{name}: nginx {a.status_code} / reel {b.status_code}: not the same file")
            size = len(b.content)
            runs = {"nginx": [], "reel": []}
            for server, base in (("nginx", nginx_base), ("reel", reel_base)):
                wrk(base + path, opts.connections, opts.threads, 2)  # warm-up
            for _ in range(opts.repeat):
                for server, base in (("nginx", nginx_base), ("reel", reel_base)):
                    runs[server].append(wrk(base + path, opts.connections, opts.threads, opts.seconds))
            for server, measured in runs.items():
                results[(name, server)] = {key: median([m[key] for m in measured]) if key not in ("socket",) else
                                           "; ".join(m[key] for m in measured if m[key]) for key in measured[0]}
            results[(name, "size")] = size
    finally:
        reel.send_signal(signal.SIGTERM)
        nginx.send_signal(signal.SIGQUIT)
        reel.wait(timeout=30)
        nginx.wait(timeout=30)
        reel_log.close()

    print(f"stream benchmark: wrk -t{opts.threads} -c{opts.connections} -d{opts.seconds}s per run, medians of "
          f"{opts.repeat} interleaved runs, "
          f"{os.cpu_count()} cores, loopback; nginx {nginx_version()} (worker_processes auto) vs reel "
          f"(release, REEL_HTTP_THREADS={opts.reel_threads})")
    print(f"  segments in the folder: {len(segment_sizes)}, {segment_sizes[0] / 1e6:.2f}-{segment_sizes[-1] / 1e6:.2f} MB")
    worst = []
    for name, _ in cases:
        n, r = results[(name, "nginx")], results[(name, "reel")]
        print(f"  {name} ({results[(name, 'size')]:,} bytes)")
        for server, x in (("nginx", n), ("reel", r)):
            extra = f"  non-2xx: {x['errors']}" if x["errors"] else ""
            extra += f"  socket errors: {x['socket']}" if x["socket"] else ""
            print(f"    {server:5}: {x['rps']:10.0f} req/s {x['mbps']:9.1f} MB/s   p99 {x['p99']:8.2f} ms{extra}")
        throughput, p99 = r["rps"] / n["rps"], r["p99"] / n["p99"]
        worst.append((throughput, p99))
        print(f"    ratio reel/nginx: throughput {throughput:.2f} (target >= 0.9), p99 {p99:.2f} (target <= 1.2)")
    met = all(t >= 0.9 and p <= 1.2 for t, p in worst)
    print(f"  targets {'met' if met else 'NOT met'}")
    shutil.rmtree(work, ignore_errors=True)


def nginx_version() -> str:
    out = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr
    return out.strip().split("/")[-1]


if __name__ == "__main__":
    main()
