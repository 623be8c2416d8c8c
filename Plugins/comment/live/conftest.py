# The comment plugin's live tests: real hosts with the auth, video and comment
# plugins (and the test-only bus-probe, which records events), driven by
# reeltest.comment.
import pytest

from reeltest.comment import CommentAPI, make_comment_api
from reeltest.host import HostStarter


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
