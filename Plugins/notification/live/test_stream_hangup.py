"""A client that closes its SSE or Connect stream is noticed while the
stream is idle (libmicrohttpd does not poll a suspended connection; the
host watches its socket), not at the next heartbeat: the host closes its
end of the connection well before the heartbeat (25 s here) would."""
import socket
import struct

from reeltest.notify import make_notify_api
from reeltest.host import wait_until
from test_live_stream_scale import open_streams

COUNT = 20


def server_sockets(pid: int, port: int) -> int:
    """The host's TCP sockets on its HTTP port other than the listener
    (ESTABLISHED, or CLOSE_WAIT once the client closed and the host has not)."""
    count = 0
    for table in ("tcp", "tcp6"):
        with open(f"/proc/{pid}/net/{table}") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] != "0A":
                    count += 1
    return count


def connect_streams(port: int, token: str, count: int) -> list[socket.socket]:
    body = struct.pack(">BI", 0, 2) + b"{}"
    request = (f"POST /rpc/reel.notification.v1.NotificationService/Stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               f"Authorization: Bearer {token}\r\nContent-Type: application/connect+json\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            assert chunk, f"a stream closed early: {data!r}"
            data += chunk
        assert data.startswith(b"HTTP/1.1 200"), data[:200]
        socks.append(s)
    return socks


def test_closed_streams_are_noticed_before_the_heartbeat(reel_env, start_host, fresh_database):
    url = fresh_database
    api = make_notify_api(start_host, reel_env, url, env={"REEL_NOTIFICATION_HEARTBEAT_SECONDS": "25"})
    fan = api.account("viewer")
    pid, port = api.host.process.pid, api.host.port
    before = server_sockets(pid, port)
    socks = open_streams(api.host.port, fan.access, COUNT) + connect_streams(api.host.port, fan.access, COUNT)
    assert server_sockets(pid, port) >= before + 2 * COUNT
    for s in socks:
        s.close()
    # The heartbeat would take 25 s; the host notices within about a second.
    wait_until(lambda: server_sockets(pid, port) <= before, timeout=10, what="the host to close the streams' sockets")
    api.host.assert_healthy()
