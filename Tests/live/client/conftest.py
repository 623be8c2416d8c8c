# reel-client's live tests: the command-line client (on the ReelClient SDK)
# against a real host with auth, video and transcoder, using the shared host
# fixtures and the auth / video / transcoder test clients.
import sys
from pathlib import Path

_repo = Path(__file__).resolve().parents[3]
for _suite in ("Tests/live", "Plugins/auth/tests", "Plugins/video/tests", "Plugins/transcoder/tests"):
    sys.path.insert(0, str(_repo / _suite))

import pytest  # noqa: E402

from reelhost import HostStarter  # noqa: E402 (the fixtures come from Tests/live/conftest.py)
from authclient import AuthAPI, unique_email  # noqa: E402
from transcodeclient import TEST_ENV, MediaFixtures, Platform  # noqa: E402


@pytest.fixture(scope="module")
def platform(reel_env, tmp_path_factory):
    """auth + video + transcoder + comment + watchlist on a database of
    their own, with an admin."""
    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("client-host"))
    try:
        host = starter(plugins=("auth", "video", "transcoder", "comment", "watchlist"), database_url=url,
                       env=TEST_ENV)
        api = Platform(host, AuthAPI(host, reel_env, url))
        api.admin = api.auth.account(unique_email("admin"), display_name="The Admin")
        assert api.admin.user["role"] == "admin"
        yield api
    finally:
        starter.stop_all()
        reel_env.drop_database(name)


@pytest.fixture(scope="session")
def movies(tmp_path_factory) -> MediaFixtures:
    return MediaFixtures(tmp_path_factory.mktemp("client-movies"))
