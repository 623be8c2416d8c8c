# The comment plugin's live tests: real hosts with the auth, video and comment
# plugins (and the test-only bus-probe, which records events), using the host
# fixtures of Tests/live/reelhost.py and the clients of Plugins/auth/tests and
# Plugins/video/tests.
import sys
from pathlib import Path

_repo = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(_repo / "Tests" / "live"))
sys.path.insert(0, str(_repo / "Plugins" / "auth" / "tests"))
sys.path.insert(0, str(_repo / "Plugins" / "video" / "tests"))

import pytest  # noqa: E402

from commentclient import CommentAPI, make_comment_api  # noqa: E402
from reelhost import HostStarter, protos, reel_env  # noqa: E402,F401 (pytest fixtures)


@pytest.fixture(scope="module")
def comments(reel_env, tmp_path_factory) -> CommentAPI:
    """One host with auth + video + comment (+ bus-probe) on a database of its
    own, with an admin, a creator (who owns the videos) and a viewer."""
    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("comment-host"))
    try:
        yield make_comment_api(starter, reel_env, url)
    finally:
        starter.stop_all()
        reel_env.drop_database(name)
