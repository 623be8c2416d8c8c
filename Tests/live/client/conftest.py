# reel-client's live tests: the command-line client (on the ReelClient SDK)
# against a real host with auth, video and transcoder, using the shared host
# fixtures and the test kit's auth / video / transcoder clients.
import pytest

from reeltest.auth import AuthAPI, unique_email
from reeltest.host import HostStarter
from reeltest.transcode import TEST_ENV, MediaFixtures, Platform


@pytest.fixture(scope="module")
def platform(reel_env, tmp_path_factory):
    """auth + video + transcoder + comment + watchlist + notification on a
    database of their own, with an admin."""
    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("client-host"))
    try:
        host = starter(plugins=("auth", "video", "transcoder", "comment", "watchlist", "notification"),
                       database_url=url, env=TEST_ENV)
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
