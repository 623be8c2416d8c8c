# reel-client's live tests: the command-line client (on the ReelClient SDK)
# against a real host with auth, video and transcoder, using the shared host
# fixtures and the test kit's auth / video / transcoder clients.
import pytest

from reeltest.auth import AuthAPI
from reeltest.host import new_database
from reeltest.transcode import TEST_ENV, MediaFixtures, Platform


@pytest.fixture(scope="module")
def platform(reel_env, tmp_path_factory):
    """auth + video + transcoder + comment + watchlist + notification on a
    database of their own, with an admin."""
    with new_database(reel_env, tmp_path_factory.mktemp("client-host")) as (starter, url):
        host = starter(plugins=("auth", "video", "transcoder", "comment", "watchlist", "notification"),
                       database_url=url, env=TEST_ENV)
        yield Platform(host, AuthAPI(host, reel_env, url)).sign_in_cast(roles=())


@pytest.fixture(scope="session")
def movies(tmp_path_factory) -> MediaFixtures:
    return MediaFixtures(tmp_path_factory.mktemp("client-movies"))
