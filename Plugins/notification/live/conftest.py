# The notification plugin's live tests: real hosts with the auth, video and
# notification plugins (and the test-only bus-probe, which relays the
# video service's internal MarkReady/MarkFailed so they publish their
# events), and a real SMTP server (aiosmtpd) on loopback in this process
# (the `smtp` fixture of reeltest.fixtures).
import pytest

from reeltest.host import HostStarter
from reeltest.notify import make_notify_api


@pytest.fixture(scope="module")
def notify(reel_env, tmp_path_factory, smtp):
    """One host on a database of its own, mail to the SMTP server, with an
    admin, a creator and a viewer signed in."""
    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("notify-host"))
    try:
        yield make_notify_api(starter, reel_env, url, env={"REEL_NOTIFICATION_SMTP_URL": smtp.url})
    finally:
        starter.stop_all()
        reel_env.drop_database(name)
