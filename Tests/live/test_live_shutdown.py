"""Graceful shutdown: SIGTERM stops new connections, answers every request
already in flight, shuts the plugins down, and exits 0."""
import json
import socket
import threading
import time

import requests

from reeltest.host import msg, read_response, wait_until

IN_FLIGHT = 4


def open_request(port: int, text: str) -> tuple[socket.socket, bytes]:
    """Sends the head of a POST with `Expect: 100-continue` and waits for the
    host's "100 Continue": from then on the host counts the request as in
    flight. Returns the socket and the body still to send."""
    body = ('{"text": "%s"}' % text).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall((f"POST /api/v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n").encode())
    interim = b""
    while b"\r\n\r\n" not in interim:
        chunk = sock.recv(1024)
        assert chunk, "connection closed before 100 Continue"
        interim += chunk
    assert interim.startswith(b"HTTP/1.1 100"), interim
    return sock, body


def test_sigterm_answers_in_flight_requests_and_exits_0(start_host):
    host = start_host()

    # Background load on keep-alive connections until the host goes away.
    statuses: list[int] = []
    stop = threading.Event()

    def load():
        with requests.Session() as session:
            while not stop.is_set():
                try:
                    statuses.append(session.post(host.url("/api/v1/hello"), json={"name": "shutdown-load"}, timeout=30).status_code)
                except requests.ConnectionError:
                    return  # the host stopped accepting: expected once SIGTERM is in

    workers = [threading.Thread(target=load) for _ in range(2)]
    for worker in workers:
        worker.start()
    wait_until(lambda: len(statuses) >= 2, timeout=30, what="the background load to start")

    # Requests the host has started (headers read) but not answered: the body is still to come.
    pending = [open_request(host.port, f"in flight {i}") for i in range(IN_FLIGHT)]

    host.terminate()
    stopping = host.wait_for_log(lambda e: msg(e) == "stopping", what="the host to begin stopping")
    assert int(stopping["inFlight"]) >= IN_FLIGHT

    # The host waits for them: finish sending, every one gets its 200.
    for i, (sock, body) in enumerate(pending):
        with sock:
            sock.sendall(body)
            response = read_response(sock)
        assert response.status == 200, response.body
        assert response.json()["text"] == f"hello-c 1.0.0: in flight {i}"
        assert response.headers.get("connection", "").lower() == "close"

    stop.set()
    for worker in workers:
        worker.join(timeout=30)
    assert statuses and all(s == 200 for s in statuses), statuses

    assert host.wait_exit() == 0
    host.wait_for_log(lambda e: msg(e) == "stopped" and e.get("logger") == "reel.host")
    assert not host.find_logs(lambda e: "still in flight" in msg(e) or "did not finish" in msg(e))


def test_sigterm_on_an_idle_host_exits_0(start_host):
    host = start_host()
    host.terminate()
    assert host.wait_exit() == 0
    logged = [msg(e) for e in host.logs()]
    assert "stopping" in logged and "stopped" in logged


def test_sigterm_during_a_call_longer_than_the_grace_period_answers_503_and_exits_0(start_host):
    """A plugin call may run longer than any grace period; its connection is
    suspended, and libmicrohttpd aborts if it stops with one suspended. The
    host answers such a call 503 itself, then stops cleanly."""
    grace = 3
    host = start_host(fixtures=("bus-probe",),
                      env={"REEL_SHUTDOWN_GRACE_SECONDS": str(grace), "REEL_CALL_TIMEOUT_SECONDS": "120"})
    outcome: dict = {}

    def slow_call():
        try:
            response = requests.post(host.url("/test/sleep/40"), timeout=60)
            outcome["status"], outcome["body"] = response.status_code, response.text
        except requests.ConnectionError as error:
            outcome["closed"] = str(error)

    caller = threading.Thread(target=slow_call)
    caller.start()
    wait_until(lambda: host.plugins()["bus-probe"]["inFlight"] == 1, what="the slow call to be in flight")
    sent = time.monotonic()
    host.terminate()
    code = host.wait_exit(timeout=grace + 10)
    elapsed = time.monotonic() - sent
    caller.join(timeout=30)

    assert code == 0, host.log_text()[-3000:]
    assert elapsed < grace + 8, f"exit took {elapsed:.1f} s"
    if "status" in outcome:
        assert outcome["status"] == 503, outcome
        assert json.loads(outcome["body"])["error"]["code"] == "unavailable"
    else:
        assert "closed" in outcome, outcome
    text = host.log_text()
    assert "MHD_stop_daemon" not in text and "Fatal error" not in text and "*** Signal" not in text, text[-3000:]
    host.wait_for_log(lambda e: msg(e).startswith("stopping with requests still in flight"))
    host.wait_for_log(lambda e: msg(e) == "stopped" and e.get("logger") == "reel.host")
