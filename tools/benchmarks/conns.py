"""tools/bench conns: one host holding many connections at once.

IDLE keep-alive connections (each has made one request, `GET /livez`, and
then waits) and STREAMS open streamed responses (the notification plugin's
Server-Sent Events, `GET /api/v1/me/notifications/stream`, signed in), all
held together against one host. Reported: the host's resident memory and
thread count before, with the streams open, and with everything open;
every connection must be accepted and answered (none refused, reset or
closed) below the configured limit, and every one must still answer (or
still stream) at the end. The same IDLE connections are held against nginx
(Debian's, on loopback) in the same run as the reference for memory.

The host runs with its defaults except REEL_CONNECTION_LIMIT (IDLE + STREAMS
+ a margin) and a connection timeout long enough to hold them idle.
Connections come from many loopback addresses (127.0.0.0/8), each under the
per-address cap (REEL_CONNECTIONS_PER_ADDRESS, 256), as many clients would.
Everything started here (the host, nginx, the database) is stopped on the
way out, also after a failure, Ctrl-C or SIGTERM."""
import argparse
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time

import requests

from benchkit import free_port, on_signal, psql, stop, Stopped, wait_ready

PER_ADDRESS = 200  # below the host's default cap of 256 per client address


def source_address(index: int) -> str:
    """The index-th client's loopback address: 127.1.x.y, PER_ADDRESS connections each."""
    n = index // PER_ADDRESS
    return f"127.1.{n // 250}.{n % 250 + 1}"


def process_figures(pid: int) -> dict:
    figures = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "Threads"):
                figures[key] = int(value.split()[0])
    figures["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    return figures


def total_rss_kb(pids) -> int:
    return sum(process_figures(pid)["VmRSS"] for pid in pids)


def nginx_pids(master: int) -> list:
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return [master] + [int(p) for p in children]


def read_response(sock: socket.socket) -> bytes:
    """One complete HTTP response with a Content-Length body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed before the response")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed inside the body")
        body += chunk
    return head


def open_idle(port: int, count: int, first_index: int, path: str, failures: list) -> list:
    """`count` keep-alive connections, each after one answered request."""
    held = []
    request = f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
    for i in range(count):
        sock = socket.socket()
        sock.settimeout(30)
        try:
            sock.bind((source_address(first_index + i), 0))
            sock.connect(("127.0.0.1", port))
            sock.sendall(request)
            head = read_response(sock)
            if not head.startswith(b"HTTP/1.1 200"):
                raise ConnectionError(head.split(b"\r\n")[0].decode(errors="replace"))
            held.append(sock)
        except OSError as error:
            failures.append(f"idle #{i}: {error}")
            sock.close()
    return held


def open_streams(port: int, count: int, first_index: int, token: str, failures: list) -> list:
    """`count` Server-Sent Events streams, each read until its first comment."""
    held = []
    request = (f"GET /api/v1/me/notifications/stream HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
               "Last-Event-ID: 0\r\nAccept: text/event-stream\r\n\r\n").encode()
    for i in range(count):
        sock = socket.socket()
        sock.settimeout(30)
        try:
            sock.bind((source_address(first_index + i), 0))
            sock.connect(("127.0.0.1", port))
            sock.sendall(request)
            seen = b""
            while b": connected" not in seen:
                chunk = sock.recv(4096)
                if not chunk:
                    raise ConnectionError(f"closed: {seen[:120]!r}")
                seen += chunk
            if not seen.startswith(b"HTTP/1.1 200"):
                raise ConnectionError(seen.split(b"\r\n")[0].decode(errors="replace"))
            held.append(sock)
        except OSError as error:
            failures.append(f"stream #{i}: {error}")
            sock.close()
    return held


def still_open(socks: list, probe: bytes = b"") -> int:
    """How many of `socks` are still open (and, with `probe`, answer it)."""
    alive = 0
    for sock in socks:
        try:
            if probe:
                sock.sendall(probe)
                if read_response(sock).startswith(b"HTTP/1.1 200"):
                    alive += 1
            else:
                sock.setblocking(False)
                try:
                    alive += 1 if sock.recv(65536) else 0  # a heartbeat, or nothing yet
                except BlockingIOError:
                    alive += 1
                finally:
                    sock.setblocking(True)
        except OSError:
            pass
    return alive


def nginx_config(work: str, port: int, connections: int) -> str:
    for name in ("tmp", "logs"):
        os.makedirs(os.path.join(work, name), exist_ok=True)
    tmp = os.path.join(work, "tmp")
    path = os.path.join(work, "nginx.conf")
    with open(path, "w") as f:
        f.write(f"""
worker_processes auto;
worker_rlimit_nofile {connections * 2 + 1024};
pid {work}/nginx.pid;
error_log {work}/logs/error.log warn;
events {{ worker_connections {connections + 1024}; }}
http {{
    access_log off;
    keepalive_timeout 600;
    keepalive_requests 1000000;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        location = /livez {{ default_type application/json; return 200 '{{"status":"ok"}}'; }}
    }}
}}
""")
    return path


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--bin", required=True)
    args.add_argument("--plugins", required=True)
    args.add_argument("--data", required=True)
    args.add_argument("--database", required=True)
    args.add_argument("--idle", type=int, default=10_000)
    args.add_argument("--streams", type=int, default=1_000)
    args.add_argument("--hold", type=int, default=5, help="seconds to hold everything open before checking")
    opts = args.parse_args()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    total = opts.idle + opts.streams
    # This process holds every client socket; the host and nginx inherit the limit.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = total + 1024
    if hard < wanted:
        sys.exit(f"the open-files limit is {hard}; {wanted} are needed (raise the hard limit: ulimit -Hn)")
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))

    name = f"reel_bench_conns_{os.getpid()}"
    work = tempfile.mkdtemp(prefix="conns-", dir=opts.data)
    host = nginx = None
    held = []
    failures = []
    database_made = False
    limit = total + 256
    try:
        psql(opts.database, f"CREATE DATABASE {name}")
        database_made = True
        url = opts.database.replace("/reel?", f"/{name}?") if "/reel?" in opts.database else opts.database + f"_{name}"
        port = free_port()
        env = dict(os.environ, REEL_HTTP_PORT=str(port), REEL_DATA_DIR=os.path.join(work, "host"), REEL_ADMIN_ADDR="off",
                   REEL_METRICS_ADDR=f"127.0.0.1:{free_port()}", REEL_PLUGINS_DIR=opts.plugins,
                   REEL_PLUGINS="auth,notification", REEL_PLUGIN_WATCH_SECONDS="0", REEL_LOG_LEVEL="warning",
                   REEL_DATABASE_URL=url, REEL_SAMPLE_VIDEO="", REEL_CONNECTION_LIMIT=str(limit),
                   REEL_CONNECTION_TIMEOUT_SECONDS="600")
        host_log = open(os.path.join(work, "host.log"), "wb")
        host = subprocess.Popen([opts.bin, "serve"], env=env, stdout=host_log, stderr=host_log, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, host, f"{work}/host.log", tries=600)
        email, password = "conns@example.com", "a benchmark passphrase"
        requests.post(base + "/api/v1/auth/register",
                      json={"email": email, "password": password, "displayName": "Conns"}).raise_for_status()
        login = requests.post(base + "/api/v1/auth/login", json={"email": email, "password": password})
        login.raise_for_status()
        token = login.json()["accessToken"]
        time.sleep(1)
        figures = {"started": process_figures(host.pid)}

        began = time.monotonic()
        streams = open_streams(port, opts.streams, 0, token, failures)
        held += streams
        stream_seconds = time.monotonic() - began
        figures["streams open"] = process_figures(host.pid)
        began = time.monotonic()
        idle = open_idle(port, opts.idle, opts.streams, "/livez", failures)
        held += idle
        idle_seconds = time.monotonic() - began
        time.sleep(opts.hold)
        figures["all open"] = process_figures(host.pid)
        streams_alive = still_open(streams)
        idle_alive = still_open(idle, b"GET /livez HTTP/1.1\r\nHost: bench\r\n\r\n")
        for sock in held:
            sock.close()
        held = []
        stop(host, signal.SIGTERM, "the host")
        host_log.close()

        # The reference: nginx holding the same idle connections.
        nginx_port = free_port()
        nginx = subprocess.Popen(["nginx", "-p", work, "-c", nginx_config(work, nginx_port, total), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{nginx_port}/livez", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        time.sleep(0.5)
        nginx_before = total_rss_kb(nginx_pids(nginx.pid))
        nginx_failures = []
        held = open_idle(nginx_port, opts.idle, 0, "/livez", nginx_failures)
        time.sleep(opts.hold)
        nginx_after = total_rss_kb(nginx_pids(nginx.pid))
        nginx_alive = still_open(held, b"GET /livez HTTP/1.1\r\nHost: bench\r\n\r\n")
    except (KeyboardInterrupt, Stopped) as stopped:
        print(f"conns benchmark stopped ({stopped or 'Ctrl-C'}); stopping what it started", file=sys.stderr)
        figures = None
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for sock in held:
            sock.close()
        stop(host, signal.SIGTERM, "the host")
        stop(nginx, signal.SIGQUIT, "nginx")
        if database_made:
            subprocess.run(["psql", opts.database, "-X", "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if figures is None:
        sys.exit(130)

    print(f"conns benchmark: {opts.idle:,} idle keep-alive connections and {opts.streams:,} open SSE streams on one "
          f"host (release, REEL_CONNECTION_LIMIT={limit}, {os.cpu_count()} cores, loopback, "
          f"{PER_ADDRESS} connections per client address)")
    for label, f in figures.items():
        print(f"  {label:13}: RSS {f['VmRSS'] / 1024:7.1f} MiB, threads {f['Threads']:4d}, open fds {f['fds']:6d}")
    base_rss = figures["started"]["VmRSS"]
    per_stream = (figures["streams open"]["VmRSS"] - base_rss) / max(1, opts.streams)
    per_idle = (figures["all open"]["VmRSS"] - figures["streams open"]["VmRSS"]) / max(1, opts.idle)
    print(f"  per stream: {per_stream:.1f} KiB, per idle connection: {per_idle:.1f} KiB; opened in "
          f"{stream_seconds:.1f} s (streams) and {idle_seconds:.1f} s (idle)")
    print(f"  refused or failed: {len(failures)}{'' if not failures else ' (first: ' + failures[0] + ')'}")
    print(f"  still open after {opts.hold} s: streams {streams_alive:,}/{opts.streams:,}, "
          f"idle (answering again) {idle_alive:,}/{opts.idle:,}")
    nginx_per_idle = (nginx_after - nginx_before) / max(1, opts.idle)
    print(f"  nginx (reference, same {opts.idle:,} idle): RSS {nginx_before / 1024:.1f} -> {nginx_after / 1024:.1f} MiB "
          f"({nginx_per_idle:.1f} KiB per connection), failed {len(nginx_failures)}, answering again {nginx_alive:,}")
    ok = not failures and streams_alive == opts.streams and idle_alive == opts.idle
    print(f"  {'every connection held' if ok else 'NOT every connection held'}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
