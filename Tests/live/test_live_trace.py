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
