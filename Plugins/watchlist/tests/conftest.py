# The watchlist plugin's live tests: real hosts with the auth, video and
# watchlist plugins, using the host fixtures of Tests/live/reelhost.py and the
# clients of Plugins/auth/tests and Plugins/video/tests.
import os
import subprocess
import sys
from pathlib import Path

_repo = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(_repo / "Tests" / "live"))
sys.path.insert(0, str(_repo / "Plugins" / "auth" / "tests"))
sys.path.insert(0, str(_repo / "Plugins" / "video" / "tests"))

import pytest  # noqa: E402

from reelhost import HostStarter, protos, reel_env, start_host  # noqa: E402,F401 (pytest fixtures)
from watchlistclient import CAP, WatchlistAPI, make_watchlist_api  # noqa: E402


# REEL_WATCHLIST_MEMCHECK=asan (see the README's "Memory checks"): the
# plugin is rebuilt with AddressSanitizer (and -z nodelete, so LeakSanitizer
# can still name its frames at exit) and the hosts of these tests preload the
# ASan runtime; ASAN_OPTIONS / LSAN_OPTIONS pass through to them.
MEMCHECK = os.environ.get("REEL_WATCHLIST_MEMCHECK", "")


def memcheck_env() -> dict:
    if MEMCHECK != "asan":
        return {}
    runtime = subprocess.run(["gcc", "-print-file-name=libasan.so"], capture_output=True, text=True,
                             check=True).stdout.strip()
    return {"LD_PRELOAD": runtime}


@pytest.fixture(scope="session", autouse=True)
def memcheck_build(reel_env):
    if MEMCHECK == "asan":
        subprocess.run(["make", "-s", "-C", str(_repo / "Plugins" / "watchlist"), f"OUT={reel_env.plugins}",
                        "EXTRA_CFLAGS=-fsanitize=address -fno-omit-frame-pointer -O1",
                        "EXTRA_LDFLAGS=-Wl,-z,nodelete"], check=True)
    elif MEMCHECK:
        pytest.fail(f"REEL_WATCHLIST_MEMCHECK={MEMCHECK}: only 'asan' is known")


@pytest.fixture(scope="module")
def wl(reel_env, tmp_path_factory) -> WatchlistAPI:
    """One host with auth + video + watchlist on a database of its own (the
    list cap lowered to CAP), with an admin, a creator and a viewer."""
    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("watchlist-host"))
    try:
        yield make_watchlist_api(starter, reel_env, url, env={"REEL_WATCHLIST_MAX_ENTRIES": str(CAP), **memcheck_env()})
    finally:
        starter.stop_all()
        reel_env.drop_database(name)
