"""Live push over Server-Sent Events (ABI 1.3 streamed responses): what the
stream sends, replay after Last-Event-ID, tickets, refusals, two hosts on
one database, a stop and a hot-swap ending the streams."""
import time

from reeltest.notify import make_notify_api
from reeltest.sse import SSEStream

STREAM = "/api/v1/me/notifications/stream"


def ticket(api, who) -> str:
    response = api.host.post("/api/v1/me/notifications/stream-ticket", headers=who.bearer)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["expiresIn"] == 60 and len(body["ticket"]) >= 40
    return body["ticket"]


def test_a_follower_sees_new_videos_live_and_replays_after_reconnect(notify, protos):
    api = notify
    creator, fan = api.account("creator"), api.account("viewer")
    api.follow(fan, creator.id)
    stream = SSEStream(api.host.port, STREAM, headers={"Authorization": f"Bearer {fan.access}"})
    try:
        assert stream.status == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.headers.get("transfer-encoding") == "chunked"
        stream.wait_for(lambda t: "retry: " in t and ": connected" in t, what="the stream's opening")
        first = api.publish(protos, creator, title="Live one")
        event = stream.wait_events(1)[0]
        assert event["event"] == "notification" and event["data"]["type"] == "subscription.video"
        assert event["data"]["video"]["id"] == first and event["id"] == event["data"]["id"]
        assert event["data"]["actor"]["id"] == creator.id
    finally:
        stream.close()
    # While disconnected: two more. A reconnect with Last-Event-ID gets exactly those.
    missed = [api.publish(protos, creator, title=f"Missed {i}") for i in range(2)]
    api.wait_feed(fan, lambda n: n["video"]["id"] == missed[-1], "the missed ones in the feed")
    again = SSEStream(api.host.port, STREAM, headers={"Authorization": f"Bearer {fan.access}", "Last-Event-ID": event["id"]})
    try:
        replay = again.wait_events(2)
        assert [e["data"]["video"]["id"] for e in replay] == missed
        time.sleep(1)
        assert len(again.events()) == 2, "nothing else, nothing twice"
    finally:
        again.close()


def test_tickets_are_single_use_and_tokens_never_go_in_the_url(notify, protos):
    api = notify
    fan = api.account("viewer")
    t = ticket(api, fan)
    stream = SSEStream(api.host.port, f"{STREAM}?ticket={t}")
    try:
        assert stream.status == 200
        stream.wait_for(lambda text: ": connected" in text, what="the opening")
    finally:
        stream.close()
    reused = SSEStream(api.host.port, f"{STREAM}?ticket={t}")
    assert reused.status == 401 and "already used" in reused.body()
    unknown = SSEStream(api.host.port, f"{STREAM}?ticket=nope")
    assert unknown.status == 401
    expired = ticket(api, fan)
    api.psql("UPDATE notification.stream_tickets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL")
    assert SSEStream(api.host.port, f"{STREAM}?ticket={expired}").status == 401
    for name in ("access_token", "token"):
        in_url = SSEStream(api.host.port, f"{STREAM}?{name}={fan.access}")
        assert in_url.status == 400 and "never put an access token in a URL" in in_url.body()
    assert SSEStream(api.host.port, STREAM).status == 401
    assert SSEStream(api.host.port, STREAM, headers={"Authorization": "Bearer nope"}).status == 401
    assert api.host.post("/api/v1/me/notifications/stream-ticket").status_code == 401
    bad_id = SSEStream(api.host.port, STREAM, headers={"Authorization": f"Bearer {fan.access}", "Last-Event-ID": "x"})
    assert bad_id.status == 400


def test_a_notification_made_on_one_host_reaches_a_stream_on_another(reel_env, start_host, protos, fresh_database):
    url = fresh_database
    first = make_notify_api(start_host, reel_env, url)
    second = start_host(plugins=("auth", "video", "notification"), fixtures=("bus-probe",), database_url=url)
    creator, fan = first.account("creator"), first.account("viewer")
    first.follow(fan, creator.id)
    stream = SSEStream(second.port, STREAM, headers={"Authorization": f"Bearer {fan.access}"})
    try:
        stream.wait_for(lambda t: ": connected" in t, what="the opening on the second host")
        video = first.publish(protos, creator, title="Across hosts")
        assert stream.wait_events(1)[0]["data"]["video"]["id"] == video
    finally:
        stream.close()


def test_a_stop_ends_open_streams_and_the_host_exits_cleanly(reel_env, start_host, fresh_database):
    url = fresh_database
    api = make_notify_api(start_host, reel_env, url)
    streams = [SSEStream(api.host.port, STREAM, headers={"Authorization": f"Bearer {api.viewer.access}"})
               for _ in range(3)]
    for s in streams:
        s.wait_for(lambda t: ": connected" in t, what="the opening")
    started = time.monotonic()
    api.host.stop()  # asserts exit code 0
    for s in streams:
        s.wait_end(timeout=5)
    assert time.monotonic() - started < 14, "the stop did not wait out the grace period for the streams"


def test_a_hot_swap_ends_the_old_generations_streams_and_a_reconnect_misses_nothing(notify, protos):
    api = notify
    creator, fan = api.account("creator"), api.account("viewer")
    api.follow(fan, creator.id)
    stream = SSEStream(api.host.port, STREAM, headers={"Authorization": f"Bearer {fan.access}"})
    before = api.publish(protos, creator, title="Before the swap")
    last = stream.wait_events(1)[-1]
    assert last["data"]["video"]["id"] == before
    old = api.host.plugins()["notification"]["generation"]
    # The same library with bytes appended past its end: another file (another
    # hash, so a new generation), the same code.
    changed = api.host.root / "notification-next.so"
    changed.write_bytes((api.host.reel.plugins / "notification.so").read_bytes() + b"\0reel-test-swap")
    api.host.install_plugin(changed, "notification.so")
    assert api.host.reload_plugins().status_code == 200
    stream.wait_end(timeout=20)
    stream.close()
    during = api.publish(protos, creator, title="During the reconnect")
    again = SSEStream(api.host.port, STREAM, headers={"Authorization": f"Bearer {fan.access}", "Last-Event-ID": last["id"]})
    try:
        assert again.wait_events(1)[0]["data"]["video"]["id"] == during
        assert api.host.plugins()["notification"]["generation"] != old
    finally:
        again.close()
