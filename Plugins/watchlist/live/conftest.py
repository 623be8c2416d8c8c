# The watchlist plugin's live tests: real hosts with the auth, video and
# watchlist plugins, driven by reeltest.watchlist.
import subprocess

import pytest

from reeltest import REPO
from reeltest.host import new_database
from reeltest.watchlist import CAP, MEMCHECK, MEMCHECK_MODES, WatchlistAPI, make_watchlist_api, memcheck_make_args


@pytest.fixture(scope="session", autouse=True)
def memcheck_build(reel_env):
    """REEL_WATCHLIST_MEMCHECK=asan|asan-unload: the plugin rebuilt with
    AddressSanitizer into the test plugins folder (see reeltest.watchlist)."""
    if MEMCHECK not in MEMCHECK_MODES:
        pytest.fail(f"REEL_WATCHLIST_MEMCHECK={MEMCHECK}: expected one of {MEMCHECK_MODES}")
    if MEMCHECK:
        subprocess.run(["make", "-s", "-C", str(REPO / "Plugins" / "watchlist"), f"OUT={reel_env.plugins}",
                        *memcheck_make_args()], check=True)


@pytest.fixture(scope="module")
def wl(reel_env, tmp_path_factory) -> WatchlistAPI:
    """One host with auth + video + watchlist on a database of its own (the
    list cap lowered to CAP), with an admin, a creator and a viewer."""
    with new_database(reel_env, tmp_path_factory.mktemp("watchlist-host")) as (starter, url):
        yield make_watchlist_api(starter, reel_env, url, env={"REEL_WATCHLIST_MAX_ENTRIES": str(CAP)})
