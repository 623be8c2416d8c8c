"""Notifications from the video service's events: who gets what, the feed,
read state, settings, and email through a real SMTP server."""
import email
import email.policy
import time

from reeltest.auth import unique_email
from reeltest.host import wait_until


def test_followers_get_subscription_video_and_the_creator_video_ready_by_email(notify, protos, smtp):
    api = notify
    creator = api.auth.account(unique_email("grace"), display_name="Grace Creator")
    assert api.auth.set_role(api.admin, creator.id, "creator").status_code == 200
    api.auth.sign_in(creator)
    fan = api.account("viewer")
    assert api.follow(fan, creator.id).status_code == 204

    video_id = api.publish(protos, creator, title="Harbour at dawn")

    item = api.wait_feed(fan, lambda n: n["type"] == "subscription.video", "the follower's notification")[0]
    assert item["video"]["id"] == video_id and item["video"]["title"] == "Harbour at dawn"
    assert item["actor"] == {"id": creator.id, "displayName": "Grace Creator"}
    assert item["read"] is False and item["comment"] is None and item["createdAt"].endswith("Z")

    own = api.wait_feed(creator, lambda n: n["type"] == "video.ready", "the creator's notification")[0]
    assert own["video"]["id"] == video_id and own["actor"] is None
    assert not [n for n in api.feed(creator)["items"] if n["type"] == "subscription.video"], "never of your own action"

    mail = wait_until(lambda: smtp.to(creator.email) or None, timeout=20, what="the creator's email")
    assert len(mail) == 1
    message = mail[0]
    assert "Harbour at dawn" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"/watch/{video_id}" in text and f"/watch/{video_id}" in html
    assert "unsubscribe=video.ready" in message["List-Unsubscribe"]
    # Followers get no email by default (email is on for video.ready/failed only).
    assert smtp.to(fan.email) == []

    # The plugin's metrics (ABI 1.4): the fan-out wrote the follower's
    # notification; the outbox drains once the email is sent.
    import requests
    def metric(name: str) -> float | None:
        text = requests.get(api.host.metrics_url(), timeout=10).text
        lines = [line for line in text.splitlines() if line.startswith(name + " ")]
        return float(lines[0].split()[1]) if len(lines) == 1 else None
    assert metric("reel_notification_fanout_total") == 1
    wait_until(lambda: metric("reel_notification_email_outbox_depth") == 0, timeout=20, what="an empty outbox")


def test_a_failed_video_tells_its_owner_why(notify, protos, smtp):
    api = notify
    creator = api.account("creator")
    api.fail(protos, creator, title="Broken", reason="the decoder gave up")
    item = api.wait_feed(creator, lambda n: n["type"] == "video.failed", "video.failed")[0]
    assert item["video"]["failureReason"] == "the decoder gave up"
    mail = wait_until(lambda: smtp.to(creator.email) or None, timeout=20, what="the failure email")
    assert "could not be processed" in mail[0].get_body(("plain",)).get_content()


def test_private_videos_notify_their_owner_only(notify, protos):
    api = notify
    creator = api.account("creator")
    fan = api.account("viewer")
    api.follow(fan, creator.id)
    private_id = api.publish(protos, creator, title="Just mine", visibility="private")
    api.wait_feed(creator, lambda n: n["video"] and n["video"]["id"] == private_id, "video.ready of the private video")
    public_id = api.publish(protos, creator, title="For all")
    api.wait_feed(fan, lambda n: n["video"]["id"] == public_id, "the public one")
    assert [n["video"]["id"] for n in api.feed(fan)["items"]] == [public_id]


def test_unread_filter_read_and_read_all(notify, protos):
    api = notify
    creator = api.account("creator")
    fan = api.account("viewer")
    api.follow(fan, creator.id)
    videos = [api.publish(protos, creator, title=f"Part {i}") for i in range(4)]
    wait_until(lambda: api.feed(fan)["unreadCount"] == 4, what="four notifications")
    page = api.feed(fan, limit=3)
    assert [n["video"]["id"] for n in page["items"]] == list(reversed(videos))[:3]
    rest = api.feed(fan, limit=3, cursor=page["nextCursor"])
    assert [n["video"]["id"] for n in rest["items"]] == [videos[0]] and rest["nextCursor"] is None

    first, second = page["items"][0]["id"], page["items"][1]["id"]
    assert api.read(fan, [first, second]).status_code == 204
    assert api.read(api.viewer, [page["items"][2]["id"]]).status_code == 204  # not theirs: no effect
    unread = api.feed(fan, unread="true")
    assert unread["unreadCount"] == 2
    assert {n["id"] for n in unread["items"]} == {page["items"][2]["id"], rest["items"][0]["id"]}
    assert all(n["read"] for n in api.feed(fan)["items"] if n["id"] in (first, second))
    assert api.read(fan, ["x"]).status_code == 400
    assert api.read_all(fan).status_code == 204
    assert api.feed(fan)["unreadCount"] == 0 and api.feed(fan, unread="true")["items"] == []
    assert api.host.get("/api/v1/me/notifications", params={"limit": 0}, headers=fan.bearer).status_code == 400


def test_settings_defaults_and_turning_web_or_email_off(notify, protos, smtp):
    api = notify
    creator = api.account("creator")
    fan = api.account("viewer")
    defaults = api.settings(fan).json()
    assert defaults["videoReady"] == {"web": True, "email": True}
    assert defaults["videoFailed"] == {"web": True, "email": True}
    for key in ("subscriptionVideo", "commentOnMyVideo", "commentReply"):
        assert defaults[key] == {"web": True, "email": False}

    changed = api.update_settings(fan, {"subscriptionVideo": {"web": False, "email": True}})
    assert changed.status_code == 200, changed.text
    assert changed.json()["subscriptionVideo"] == {"web": False, "email": True}
    assert changed.json()["videoReady"] == {"web": True, "email": True}, "other types unchanged"
    partial = api.update_settings(fan, {"subscriptionVideo": {"email": False}}).json()
    assert partial["subscriptionVideo"] == {"web": False, "email": False}, "a channel left out keeps its value"
    api.update_settings(fan, {"subscriptionVideo": {"email": True}})

    api.follow(fan, creator.id)
    video_id = api.publish(protos, creator, title="Mail only")
    mail = wait_until(lambda: smtp.to(fan.email) or None, timeout=20, what="the follower's email")
    assert "Mail only" in mail[0]["Subject"]
    assert api.feed(fan)["items"] == [], "web off: not in the feed"
    assert api.update_settings(fan, {"videoReady": {"web": "yes"}}).status_code == 400
    assert video_id


def test_smtp_down_then_up_the_email_arrives_once(notify, protos, smtp):
    api = notify
    creator = api.account("creator")
    smtp.stop()
    try:
        video_id = api.publish(protos, creator, title="While the mail server sleeps")
        api.wait_feed(creator, lambda n: n["video"]["id"] == video_id, "the feed entry")
        wait_until(lambda: api.psql(
            "SELECT count(*) FROM notification.mail_outbox o JOIN notification.notifications n ON n.id = o.notification_id "
            f"WHERE n.video_id = '{video_id}' AND o.attempts >= 2 AND o.sent_at IS NULL").strip() == "1",
            timeout=30, what="two failed attempts")
    finally:
        smtp.start()
    mail = wait_until(lambda: smtp.to(creator.email) or None, timeout=30, what="the email after the outage")
    assert "While the mail server sleeps" in mail[0]["Subject"]
    time.sleep(4)  # more polls: nothing is sent twice (not a timing assertion: a count)
    assert len(smtp.to(creator.email)) == 1


def test_without_an_smtp_server_mail_is_written_to_the_data_dir(reel_env, start_host, protos, fresh_database):
    from reeltest.notify import make_notify_api
    url = fresh_database
    api = make_notify_api(start_host, reel_env, url)
    creator = api.account("creator")
    video_id = api.publish(protos, creator, title="Filed away")
    folder = api.host.data_dir / "mail"
    files = wait_until(lambda: sorted(folder.glob("*.eml")) or None, timeout=20, what="an .eml file")
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["To"] == creator.email and "Filed away" in message["Subject"]
    assert f"/watch/{video_id}" in message.get_body(("plain",)).get_content()
