"""tools/bench stream: Reel's small responses and a segment against nginx
serving the same bytes, in one run, driven by wrk with the same connections.

The stream is real CMAF HLS (fMP4, ~4 s segments of 1-2 MB) made with the
ffmpeg CLI, plus a poster JPEG, placed in Reel's local media storage under
videos/<id>/streams/a1-bench/ for a public, ready video. nginx (Debian's,
started here on loopback with its own config: sendfile on, access log to a
file as Reel writes one per request) serves that media folder at the same
/media/ URLs, `/healthz` with the same JSON body, and the catalog's first
page (`GET /api/v1/videos`) as a file holding the bytes Reel answered.
Rows: a media playlist, the poster, /healthz, the catalog page (sent with
the If-None-Match of its last answer when Reel gives an ETag: the cached
answer a browser gets) and a segment, each at every --connections count. For
each row wrk runs against nginx, then against Reel, --repeat times (medians
reported, so that a burst of other work on the machine does not decide the
ratio); both answers are checked first. Ratios: Reel / nginx (targets:
throughput >= 0.9, p99 <= 1.2).

Everything started here (nginx, the host) is stopped on the way out, also
after a failure, Ctrl-C or SIGTERM."""
import argparse
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import requests

from benchkit import free_port, on_signal, stop, Stopped, wait_ready

ATTEMPT = "a1-bench"


def wait_http(url: str, what: str) -> None:
    for _ in range(300):
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    sys.exit(f"{what} did not start")


def make_stream(folder: str, seconds: int) -> None:
    """One 720p rendition at ~3 Mb/s in 4 s CMAF segments (~1.5 MB each), and a poster."""
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
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=1:duration=1",
                    "-frames:v", "1", "-q:v", "4", os.path.join(folder, "poster.jpg")], check=True)
    with open(os.path.join(folder, "master.m3u8"), "w") as f:
        f.write("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=3300000,RESOLUTION=1280x720\n720p/index.m3u8\n")


def nginx_config(work: str, media: str, port: int, catalog_file: str) -> str:
    """Static files at /media/, /healthz and the catalog page as fixed bytes."""
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
        application/json json;
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
        listen 127.0.0.1:{port} backlog=4096;
        location /media/ {{ alias {media}/; }}
        location = /healthz {{ default_type application/json; return 200 '{HEALTHZ}'; }}
        location = /api/v1/videos {{ default_type application/json; alias {catalog_file}; }}
    }}
}}
""")
    return path


HEALTHZ = '{"status":"ok"}'


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
SIZES = {"B": 1e-6, "KB": 1024 / 1e6, "MB": 1024 ** 2 / 1e6, "GB": 1024 ** 3 / 1e6}


def wrk(url: str, connections: int, threads: int, seconds: int, headers: dict) -> dict:
    extra = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", *extra, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out).groups()
    percentiles = {}
    for pct in ("50", "90", "99"):
        figure, unit_name = re.search(rf"^\s+{pct}%\s+([\d.]+)(\w+)", out, re.M).groups()
        percentiles[f"p{pct}"] = float(figure) * UNITS[unit_name]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "mbps": float(value) * SIZES[unit], **percentiles,
            "errors": (int(errors.group(1)) if errors else 0), "socket": socket_errors.group(1) if socket_errors else ""}


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (/proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / CLOCK_TICKS


def server_pids(process) -> list:
    """A server and its children (nginx's workers)."""
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
    return [process.pid] + [int(p) for p in children]


def measured_run(url, connections, threads, seconds, headers, pids) -> dict:
    """wrk against a server, with the server's CPU time per request: a figure
    the other work on a shared machine moves much less than throughput."""
    before = cpu_seconds(pids)
    result = wrk(url, connections, threads, seconds, headers)
    used = cpu_seconds(pids) - before
    result["cpu_us"] = used / max(1.0, result["rps"] * seconds) * 1e6
    return result


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
                      help="runs per server and row, interleaved (nginx, reel, nginx, ...); medians are reported")
    args.add_argument("--connections", default="32,256", help="comma-separated wrk connection counts")
    args.add_argument("--threads", type=int, default=2, help="wrk threads")
    args.add_argument("--reel-threads", type=int, default=os.cpu_count(),
                      help="REEL_HTTP_THREADS (one per core, as nginx's worker_processes auto)")
    args.add_argument("--only", default="", help="comma-separated rows to run (playlist,poster,healthz,catalog,segment)")
    opts = args.parse_args()
    connection_counts = [int(c) for c in opts.connections.split(",") if c.strip()]
    database = os.environ.get("REEL_DATABASE_URL")
    if not database:
        sys.exit("REEL_DATABASE_URL is not set (tools/bench stream starts the private cluster)")
    for tool in ("nginx", "wrk", "ffmpeg", "psql"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (tools/dev deps)")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    # wrk's 256 connections and the checks: more descriptors than a shell's default 1024 may allow.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))

    work = os.path.abspath(tempfile.mkdtemp(prefix="stream-", dir=opts.data))
    reel = nginx = reel_log = None
    video_id = str(uuid.uuid4())
    try:
        os.chmod(work, 0o755)  # nginx workers (www-data when started as root) read the media folder
        media = os.path.join(work, "media")
        stream = os.path.join(media, "videos", video_id, "streams", ATTEMPT)
        make_stream(stream, seconds=40)
        for root, dirs, files in os.walk(work):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o755)
        segment_sizes = sorted(os.path.getsize(os.path.join(stream, "720p", n))
                               for n in os.listdir(os.path.join(stream, "720p")) if n.endswith(".m4s"))
        catalog_file = os.path.join(work, "catalog.json")

        reel_port, nginx_port = free_port(), free_port()
        # The metrics listener stays on (as deployed: every request is counted), on a port of its own.
        env = dict(os.environ, REEL_HTTP_PORT=str(reel_port), REEL_DATA_DIR=os.path.join(work, "host"),
                   REEL_ADMIN_ADDR="off", REEL_METRICS_ADDR=f"127.0.0.1:{free_port()}",
                   REEL_MEDIA_DIR=media, REEL_PLUGINS_DIR=opts.plugins, REEL_PLUGINS="video",
                   REEL_PLUGIN_WATCH_SECONDS="0", REEL_LOG_LEVEL="warning", REEL_HTTP_THREADS=str(opts.reel_threads),
                   # wrk's connections all come from one address (nginx has no such cap).
                   REEL_CONNECTIONS_PER_ADDRESS=str(max(connection_counts) + 64),
                   REEL_CONNECTION_LIMIT=str(max(1024, 2 * max(connection_counts))))
        reel_log = open(os.path.join(work, "reel.log"), "wb")
        reel = subprocess.Popen([opts.bin, "serve"], env=env, stdout=reel_log, stderr=reel_log, start_new_session=True)
        reel_base, nginx_base = f"http://127.0.0.1:{reel_port}", f"http://127.0.0.1:{nginx_port}"
        wait_ready(reel_base, reel, f"{work}/reel.log")
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database, "-c",
                        f"INSERT INTO video.videos (id, owner_id, title, state, visibility, duration_seconds) "
                        f"VALUES ('{video_id}', '{uuid.uuid4()}', 'stream benchmark', 'ready', 'public', 40)"], check=True)
        catalog = requests.get(reel_base + "/api/v1/videos")
        if catalog.status_code != 200 or video_id not in catalog.text:
            sys.exit(f"catalog: reel answered {catalog.status_code}: {catalog.text[:200]}")
        with open(catalog_file, "wb") as f:
            f.write(catalog.content)
        os.chmod(catalog_file, 0o644)
        nginx = subprocess.Popen(["nginx", "-p", work, "-c", nginx_config(work, media, nginx_port, catalog_file),
                                  "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)
        wait_http(nginx_base + "/", "nginx")

        # The largest segment: a 1-2 MB file.
        segment = max((n for n in os.listdir(os.path.join(stream, "720p")) if n.endswith(".m4s")),
                      key=lambda n: os.path.getsize(os.path.join(stream, "720p", n)))
        prefix = f"/media/videos/{video_id}/streams/{ATTEMPT}"
        cases = [("playlist", f"{prefix}/720p/index.m3u8"), ("poster", f"{prefix}/poster.jpg"),
                 ("healthz", "/healthz"), ("catalog", "/api/v1/videos"), ("segment", f"{prefix}/720p/{segment}")]
        if opts.only:
            wanted = set(opts.only.split(","))
            cases = [case for case in cases if case[0] in wanted]
        results = {}
        for name, path in cases:
            a, b = requests.get(nginx_base + path), requests.get(reel_base + path)
            if a.status_code != 200 or b.status_code != 200 or a.content != b.content:
                sys.exit(f"{name}: nginx {a.status_code} / reel {b.status_code}: not the same bytes")
            # The catalog as a browser asks again: with the validator of the answer it has.
            headers = {"If-None-Match": b.headers["ETag"]} if name == "catalog" and "ETag" in b.headers else {}
            if headers and requests.get(reel_base + path, headers=headers).status_code != 304:
                sys.exit("catalog: an unchanged page with its ETag is not 304")
            results[(name, "size")] = len(b.content)
            results[(name, "conditional")] = bool(headers)
            for connections in connection_counts:
                runs = {"nginx": [], "reel": []}
                for server, base in (("nginx", nginx_base), ("reel", reel_base)):
                    wrk(base + path, connections, opts.threads, 2, headers if server == "reel" else {})  # warm-up
                pids = {"nginx": server_pids(nginx), "reel": [reel.pid]}
                for _ in range(opts.repeat):
                    for server, base in (("nginx", nginx_base), ("reel", reel_base)):
                        runs[server].append(measured_run(base + path, connections, opts.threads, opts.seconds,
                                                         headers if server == "reel" else {}, pids[server]))
                for server, measured in runs.items():
                    results[(name, connections, server)] = {
                        key: median([m[key] for m in measured]) if key != "socket" else
                        "; ".join(m[key] for m in measured if m[key]) for key in measured[0]}
    except (KeyboardInterrupt, Stopped) as stopped:
        print(f"stream benchmark stopped ({stopped or 'Ctrl-C'}); stopping what it started", file=sys.stderr)
        results = None
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave them running
        stop(reel, signal.SIGTERM, "reel")
        stop(nginx, signal.SIGQUIT, "nginx")
        if reel_log:
            reel_log.close()
        # The row this run added (the database outlives the run).
        subprocess.run(["psql", "-X", "-q", "-d", database, "-c", f"DELETE FROM video.videos WHERE id = '{video_id}'"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if results is None:
        shutil.rmtree(work, ignore_errors=True)
        sys.exit(130)

    print(f"stream benchmark: wrk -t{opts.threads} -d{opts.seconds}s per run, medians of {opts.repeat} interleaved runs, "
          f"{os.cpu_count()} cores, loopback; nginx {nginx_version()} (worker_processes auto) vs reel "
          f"(release, REEL_HTTP_THREADS={opts.reel_threads})")
    print(f"  segments in the folder: {len(segment_sizes)}, {segment_sizes[0] / 1e6:.2f}-{segment_sizes[-1] / 1e6:.2f} MB")
    print(f"  {'row':28} {'conns':>5} {'nginx req/s':>12} {'p99 ms':>8} {'cpu us':>7} {'reel req/s':>11} {'p99 ms':>8}"
          f" {'cpu us':>7} {'throughput':>10} {'p99':>6} {'cpu':>5}")
    worst = []
    for name, _ in cases:
        label = f"{name} ({results[(name, 'size')]:,} B{', If-None-Match' if results[(name, 'conditional')] else ''})"
        for connections in connection_counts:
            n, r = results[(name, connections, "nginx")], results[(name, connections, "reel")]
            throughput, p99 = r["rps"] / n["rps"], r["p99"] / n["p99"]
            worst.append((throughput, p99))
            notes = "".join(f"  {server} non-2xx: {x['errors']}" for server, x in (("nginx", n), ("reel", r)) if x["errors"])
            notes += "".join(f"  {server} socket errors: {x['socket']}" for server, x in (("nginx", n), ("reel", r))
                             if x["socket"])
            print(f"  {label:28} {connections:5d} {n['rps']:12.0f} {n['p99']:8.2f} {n['cpu_us']:7.1f} {r['rps']:11.0f}"
                  f" {r['p99']:8.2f} {r['cpu_us']:7.1f} {throughput:10.2f} {p99:6.2f} {r['cpu_us'] / n['cpu_us']:5.2f}{notes}")
            print(f"  {'':28} {'':5} latency p50/p90/p99 ms: nginx {n['p50']:.2f}/{n['p90']:.2f}/{n['p99']:.2f}"
                  f"  reel {r['p50']:.2f}/{r['p90']:.2f}/{r['p99']:.2f}")
    print("  ratios are reel / nginx; targets: throughput >= 0.9, p99 <= 1.2; cpu us: the server's CPU time per request")
    met = all(t >= 0.9 and p <= 1.2 for t, p in worst)
    print(f"  targets {'met' if met else 'NOT met'}")
    shutil.rmtree(work, ignore_errors=True)


def nginx_version() -> str:
    out = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr
    return out.strip().split("/")[-1]


if __name__ == "__main__":
    main()
