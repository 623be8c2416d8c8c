# The video plugin's live tests: real hosts with the auth and video plugins,
# driven by reeltest.video (the S3 test server: the `s3` fixture of
# reeltest.fixtures).
import pytest

from reeltest.host import new_database
from reeltest.video import Fixtures, VideoAPI, make_video_api


@pytest.fixture(scope="session")
def media(tmp_path_factory) -> Fixtures:
    """Media files made with the ffmpeg CLI (tests only; the product never runs it)."""
    return Fixtures(tmp_path_factory.mktemp("media-fixtures"))


@pytest.fixture(scope="module")
def video(reel_env, tmp_path_factory) -> VideoAPI:
    """One host with auth + video on a database of its own, with an admin,
    a creator and a viewer signed in."""
    with new_database(reel_env, tmp_path_factory.mktemp("video-host")) as (starter, url):
        yield make_video_api(starter, reel_env, url, env={"REEL_MAX_UPLOAD_BYTES": str(1 << 30)})

