"""Bus events go to the durable inbox (notification.inbox) before the bus
handler returns: a host killed with SIGKILL after recording an event and
before handling it makes the notifications after its restart, once."""
import signal

from reeltest.notify import make_notify_api
from reeltest.host import new_database, wait_until

HOLD = "REEL_NOTIFICATION_INBOX_HOLD_SECONDS"


def test_kill_9_after_the_event_then_restart_notifies_once(reel_env, tmp_path, smtp, protos):
    with new_database(reel_env, tmp_path) as (starter, url):
        # Events wait an hour in the inbox: the host dies before handling them.
        api = make_notify_api(starter, reel_env, url, env={"REEL_NOTIFICATION_SMTP_URL": smtp.url, HOLD: "3600"})
        creator, fan = api.creator, api.viewer
        assert api.follow(fan, creator.id).status_code == 204
        video_id = api.publish(protos, creator, title="Survives a crash")
        wait_until(lambda: api.psql("SELECT count(*) FROM notification.inbox WHERE topic = 'video.ready'") == "1",
                   what="the video.ready event in the inbox")
        assert api.feed(fan)["items"] == [] and api.feed(creator)["items"] == []

        api.host.process.send_signal(signal.SIGKILL)
        api.host.wait_exit()
        api.host.terminated = True  # killed on purpose: not a crash to report
        api.host.extra_env[HOLD] = "0"
        api.host.start()

        def of(who, type_):
            return [n for n in api.feed(who, limit=100)["items"] if n["type"] == type_ and n["video"]["id"] == video_id]
        wait_until(lambda: of(fan, "subscription.video"), what="the follower's notification after the restart")
        wait_until(lambda: of(creator, "video.ready"), what="the creator's notification after the restart")
        wait_until(lambda: api.psql("SELECT count(*) FROM notification.inbox") == "0", what="the inbox emptied")
        assert len(of(fan, "subscription.video")) == 1
        assert len(of(creator, "video.ready")) == 1

