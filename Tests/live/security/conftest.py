# The security suite (issue #19): hostile-client cases against real hosts,
# using the host fixtures of Tests/live/reelhost.py and the auth client of
# Plugins/auth/tests.
import sys
from pathlib import Path

_repo = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(_repo / "Tests" / "live"))
sys.path.insert(0, str(_repo / "Plugins" / "auth" / "tests"))
sys.path.insert(0, str(_repo / "Plugins" / "video" / "tests"))

import pytest  # noqa: E402

from authclient import FAST_LOCKOUT, AuthAPI  # noqa: E402
from reelhost import HostStarter, protos, reel_env, start_host  # noqa: E402,F401 (pytest fixtures)
from videoclient import VideoAPI  # noqa: E402


@pytest.fixture
def fresh(reel_env, start_host):
    """`fresh(env={...}, plugins=("auth",))` -> an AuthAPI on a new host with a
    new, empty database (per-address counters are per database, and every
    test comes from 127.0.0.1)."""
    created = []

    def make(env=None, plugins=("auth",), database_url=None) -> AuthAPI:
        url = database_url
        if url is None:
            name, url = reel_env.create_database()
            created.append(name)
        host = start_host(plugins=plugins, database_url=url, env={**FAST_LOCKOUT, **(env or {})})
        return AuthAPI(host, reel_env, url)

    yield make
    for host in start_host.hosts:
        host.stop()
    for name in created:
        reel_env.drop_database(name)


@pytest.fixture(scope="module")
def platform(reel_env, tmp_path_factory) -> VideoAPI:
    """One host with auth, video and transcoder on a database of its own, with
    an admin, a creator and a viewer signed in (`platform.database_url` for a
    second host on the same database)."""
    from authclient import unique_email

    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("security-host"))
    try:
        host = starter(plugins=("auth", "video", "transcoder"), database_url=url)
        api = VideoAPI(host, AuthAPI(host, reel_env, url))
        api.admin = api.auth.account(unique_email("admin"), display_name="The Admin")
        api.creator = api.account("creator")
        api.viewer = api.account("viewer")
        api.database_url = url
        api.starter = starter
        yield api
    finally:
        starter.stop_all()
        reel_env.drop_database(name)
