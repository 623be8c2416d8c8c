# The auth plugin's live tests use the host fixtures of Tests/live/reelhost.py.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "Tests" / "live"))

import pytest  # noqa: E402

from authclient import FAST_LOCKOUT, AuthAPI, unique_email  # noqa: E402
from reelhost import HostStarter, protos, reel_env, shared_host, start_host  # noqa: E402,F401 (pytest fixtures)





@pytest.fixture(scope="module")
def auth(reel_env, tmp_path_factory):
    """One host with the auth plugin on a database of its own, whose first
    account (registered here, before any test) is the admin."""
    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("auth-host"))
    try:
        api = AuthAPI(starter(plugins=("auth",), database_url=url, env=FAST_LOCKOUT), reel_env, url)
        api.admin = api.account(unique_email("admin"), display_name="The Admin")
        assert api.admin.user["role"] == "admin"
        yield api
    finally:
        starter.stop_all()
        reel_env.drop_database(name)


@pytest.fixture
def fresh(reel_env, start_host):
    """`fresh(env={...})` -> an AuthAPI on a new host with a new, empty database."""
    created = []

    def make(env=None, **kwargs) -> AuthAPI:
        name, url = reel_env.create_database()
        created.append(name)
        host = start_host(plugins=("auth",), database_url=url, env={**FAST_LOCKOUT, **(env or {})}, **kwargs)
        return AuthAPI(host, reel_env, url)

    yield make
    for host in start_host.hosts:
        host.stop()
    for name in created:
        reel_env.drop_database(name)
