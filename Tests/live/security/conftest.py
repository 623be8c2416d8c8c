# The security suite (issue #19): hostile-client cases against real hosts,
# driven by the test kit's auth and video clients (`fresh`, a new auth host
# on a new database, comes from reeltest.fixtures).
import pytest

from reeltest.auth import AuthAPI
from reeltest.host import new_database
from reeltest.video import VideoAPI


@pytest.fixture(scope="module")
def platform(reel_env, tmp_path_factory) -> VideoAPI:
    """One host with auth, video and transcoder on a database of its own, with
    an admin, a creator and a viewer signed in (`platform.database_url` for a
    second host on the same database)."""
    with new_database(reel_env, tmp_path_factory.mktemp("security-host")) as (starter, url):
        host = starter(plugins=("auth", "video", "transcoder"), database_url=url)
        api = VideoAPI(host, AuthAPI(host, reel_env, url)).sign_in_cast()
        api.database_url = url
        api.starter = starter
        yield api
