"""W3C trace context: the gateway continues a caller's traceparent (same
trace id, a new span for itself) or starts a trace, answers with
`traceparent`, and the access log line carries traceId and spanId beside
requestId."""
import re

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"
HEADER = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$")


def access_line(host, request_id: str) -> dict:
    return host.wait_for_log(lambda e: e.get("logger") == "reel.access" and e.get("requestId") == request_id,
                             what=f"the access line of {request_id}")


def test_a_callers_trace_is_continued_and_logged(start_host):
    host = start_host()
    response = host.get("/api/v1/hello/trace", headers={
        "traceparent": f"00-{TRACE}-{PARENT}-01", "tracestate": "rojo=00f067aa0ba902b7"})
    assert response.status_code == 200
    match = HEADER.match(response.headers["traceparent"])
    assert match, response.headers["traceparent"]
    assert match[1] == TRACE and match[2] != PARENT and match[3] == "01"
    assert response.headers["tracestate"] == "rojo=00f067aa0ba902b7"
    line = access_line(host, response.headers["X-Request-Id"])
    assert line["traceId"] == TRACE and line["spanId"] == match[2]


def test_without_or_with_a_malformed_traceparent_a_new_trace_starts(start_host):
    host = start_host()
    seen = set()
    for header in (None, f"00-{'0' * 32}-{PARENT}-01", f"00-{TRACE.upper()}-{PARENT}-01", "garbage"):
        response = host.get("/healthz", headers={"traceparent": header} if header else {})
        match = HEADER.match(response.headers["traceparent"])
        assert match and match[1] != TRACE and match[1] != "0" * 32, response.headers["traceparent"]
        assert "tracestate" not in response.headers
        seen.add(match[1])
        line = access_line(host, response.headers["X-Request-Id"])
        assert (line["traceId"], line["spanId"]) == (match[1], match[2])
    assert len(seen) == 4  # a new trace each time
    # Errors answered by the server itself carry it too.
    response = host.get("/api/v1/no/such/route", headers={"traceparent": f"00-{TRACE}-{PARENT}-00"})
    assert response.status_code == 404 and HEADER.match(response.headers["traceparent"])[1] == TRACE


def bus_calls(host, trace_id: str, method: str) -> list[dict]:
    return host.find_logs(lambda e: e.get("logger") == "reel.bus" and e.get("msg") == "bus call"
                          and e.get("traceId") == trace_id and e.get("method") == method)


def test_the_trace_follows_the_bus_calls_into_plugins(start_host):
    # Debug level: the host writes a span line per bus call.
    host = start_host(fixtures=("bus-probe",), env={"REEL_LOG_LEVEL": "debug"})
    # From the gateway to a plugin: a child span of the request's span.
    response = host.get("/api/v1/hello/span", headers={"traceparent": f"00-{TRACE}-{PARENT}-01"})
    assert response.status_code == 200
    server_span = access_line(host, response.headers["X-Request-Id"])["spanId"]
    greet = host.wait_for_log(lambda e: bus_calls(host, TRACE, "reel.hello.v1.HelloService/Greet"),
                              what="the Greet span") and bus_calls(host, TRACE, "reel.hello.v1.HelloService/Greet")
    assert len(greet) == 1 and greet[0]["parentSpanId"] == server_span and greet[0]["code"] == "ok"

    # From one plugin to another: bus-probe (C) relays the body to hello-c over
    # the bus from the thread running its hook, so the call continues the trace.
    trace = "0af7651916cd43dd8448eb211c80319c"
    text = b"relayed"
    response = host.post("/test/call/reel.helloc.v1.EchoService/Echo", data=b"\x0a" + bytes([len(text)]) + text,
                         headers={"traceparent": f"00-{trace}-{PARENT}-01", "Content-Type": "application/proto"})
    assert response.status_code == 200 and response.headers["Reel-Bus-Status"] == "0", response.headers
    server_span = access_line(host, response.headers["X-Request-Id"])["spanId"]
    host.wait_for_log(lambda e: bus_calls(host, trace, "reel.helloc.v1.EchoService/Echo"), what="the Echo span")
    [echo] = bus_calls(host, trace, "reel.helloc.v1.EchoService/Echo")
    assert echo["parentSpanId"] == server_span and echo["spanId"] != server_span
    assert echo["plugin"].startswith("hello-c/")


def test_the_trace_follows_a_swift_plugins_own_tasks(start_host):
    """hello (Swift) serves Greet on a task of its own, not on the host
    thread: its bus call to hello-c is still a child span of the Greet call,
    and the log line it writes from a child task carries the same trace."""
    host = start_host(env={"REEL_LOG_LEVEL": "debug"})
    trace = "5c2f3a1b9d8e7f60a1b2c3d4e5f60718"
    response = host.get("/api/v1/hello/tasks", headers={"traceparent": f"00-{trace}-{PARENT}-01"})
    assert response.status_code == 200
    host.wait_for_log(lambda e: bus_calls(host, trace, "reel.helloc.v1.EchoService/Echo"), what="the Echo span")
    [greet] = bus_calls(host, trace, "reel.hello.v1.HelloService/Greet")
    [echo] = bus_calls(host, trace, "reel.helloc.v1.EchoService/Echo")
    assert echo["parentSpanId"] == greet["spanId"], (greet, echo)
    line = host.wait_for_log(lambda e: e.get("logger") == "reel.plugin.hello" and e.get("msg", "").startswith("greeted tasks"),
                             what="hello's log line from its child task")
    assert line["traceId"] == trace and line["spanId"] == greet["spanId"], line
    # A request without a trace of its own gets a new one, never the previous request's.
    response = host.get("/api/v1/hello/again")
    assert response.status_code == 200
    line = host.wait_for_log(lambda e: e.get("logger") == "reel.plugin.hello" and e.get("msg", "").startswith("greeted again"),
                             what="the second line")
    assert line.get("traceId") == HEADER.match(response.headers["traceparent"])[1] != trace
