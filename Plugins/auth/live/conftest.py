# The auth plugin's live tests: a host with the auth plugin (the shared
# fixtures, `fresh` among them, come from reeltest.fixtures).
import pytest

from reeltest.auth import FAST_LOCKOUT, AuthAPI, unique_email
from reeltest.host import new_database


@pytest.fixture(scope="module")
def auth(reel_env, tmp_path_factory):
    """One host with the auth plugin on a database of its own, whose first
    account (registered here, before any test) is the admin."""
    with new_database(reel_env, tmp_path_factory.mktemp("auth-host")) as (starter, url):
        api = AuthAPI(starter(plugins=("auth",), database_url=url, env=FAST_LOCKOUT), reel_env, url)
        api.admin = api.account(unique_email("admin"), display_name="The Admin")
        assert api.admin.user["role"] == "admin"
        yield api

