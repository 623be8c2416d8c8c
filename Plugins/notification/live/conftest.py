# The notification plugin's live tests: real hosts with the auth, video and
# notification plugins (and the test-only bus-probe, which relays the
# video service's internal MarkReady/MarkFailed so they publish their
# events), and a real SMTP server (aiosmtpd) on loopback in this process
# (the `smtp` fixture of reeltest.fixtures).
import pytest

from reeltest.host import new_database
from reeltest.notify import make_notify_api


@pytest.fixture(scope="module")
def notify(reel_env, tmp_path_factory, smtp):
    """One host on a database of its own, mail to the SMTP server, with an
    admin, a creator and a viewer signed in."""
    with new_database(reel_env, tmp_path_factory.mktemp("notify-host")) as (starter, url):
        yield make_notify_api(starter, reel_env, url, env={"REEL_NOTIFICATION_SMTP_URL": smtp.url})
