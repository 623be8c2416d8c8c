# The comment plugin's live tests: real hosts with the auth, video and comment
# plugins (and the test-only bus-probe, which records events), driven by
# reeltest.comment.
import pytest

from reeltest.comment import CommentAPI, make_comment_api
from reeltest.host import new_database


@pytest.fixture(scope="module")
def comments(reel_env, tmp_path_factory) -> CommentAPI:
    """One host with auth + video + comment (+ bus-probe) on a database of its
    own, with an admin, a creator (who owns the videos) and a viewer."""
    with new_database(reel_env, tmp_path_factory.mktemp("comment-host")) as (starter, url):
        yield make_comment_api(starter, reel_env, url)
