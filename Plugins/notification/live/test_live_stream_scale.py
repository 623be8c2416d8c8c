"""1000 open streams on one host: no thread per stream, bounded memory per
stream, and nothing grows while they sit idle with heartbeats going out."""
import resource
import socket
import time

from reeltest.notify import make_notify_api

STREAM = "/api/v1/me/notifications/stream"
STREAMS = 1000


def proc_status(pid: int) -> tuple[int, int]:
    """(VmRSS in KiB, threads) of a process."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["Threads"])


def open_streams(port: int, token: str, count: int) -> list[socket.socket]:
    request = (f"GET {STREAM} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n").encode()
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(request)
        socks.append(s)
    for s in socks:  # every stream answered 200 and sent its opening
        data = b""
        while b": connected" not in data:
            chunk = s.recv(4096)
            assert chunk, f"a stream closed early: {data!r}"
            data += chunk
        assert data.startswith(b"HTTP/1.1 200"), data[:200]
    return socks


def test_a_thousand_idle_streams_keep_threads_and_memory_flat(reel_env, start_host, fresh_database):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < STREAMS + 500:
        import pytest
        pytest.skip(f"the open-files limit ({hard}) is too low for {STREAMS} streams")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # inherited by the host
    url = fresh_database
    socks: list[socket.socket] = []
    try:
        api = make_notify_api(start_host, reel_env, url, env={
            "REEL_CONNECTION_LIMIT": str(STREAMS + 200), "REEL_CONNECTIONS_PER_ADDRESS": str(STREAMS + 200),
            "REEL_NOTIFICATION_HEARTBEAT_SECONDS": "1"})
        pid = api.host.process.pid
        token = api.viewer.access
        socks += open_streams(api.host.port, token, 50)
        rss_warm, threads_warm = proc_status(pid)
        socks += open_streams(api.host.port, token, STREAMS - 50)
        rss_full, threads_full = proc_status(pid)
        # Idle: heartbeats go out every second; read them so nothing piles up in TCP buffers.
        for _ in range(3):
            time.sleep(1)
            for s in socks:
                s.setblocking(False)
                try:
                    while s.recv(65536):
                        pass
                except BlockingIOError:
                    pass
        rss_idle, threads_idle = proc_status(pid)
        per_stream_kib = (rss_full - rss_warm) / (STREAMS - 50)
        print(f"\nthreads {threads_warm} -> {threads_full} -> {threads_idle}; RSS {rss_warm} -> {rss_full} -> "
              f"{rss_idle} KiB ({per_stream_kib:.1f} KiB per stream)")
        assert threads_full - threads_warm <= 2, "no thread per stream"
        assert abs(threads_idle - threads_full) <= 2
        assert per_stream_kib < 100, "bounded memory per open stream"
        assert rss_idle - rss_full < 8 * 1024, "idle streams do not grow memory"
        assert api.host.get("/healthz").status_code == 200
    finally:
        for s in socks:
            s.close()
