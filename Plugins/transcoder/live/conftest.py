# The transcoder's live tests: real hosts with auth, video and transcoder,
# real libav encodes, a real PostgreSQL queue, verified with ffprobe/ffmpeg
# (the CLI is used by tests only; the product never runs it).
import pytest

from reeltest.host import new_database
from reeltest.transcode import TEST_ENV, MediaFixtures, Platform, make_platform


@pytest.fixture(scope="session")
def media(tmp_path_factory) -> MediaFixtures:
    return MediaFixtures(tmp_path_factory.mktemp("transcode-fixtures"))


@pytest.fixture(scope="module")
def platform(reel_env, tmp_path_factory) -> Platform:
    """One host with auth, video, transcoder (and the test-only bus-probe) on
    a database of its own, with an admin and a creator signed in."""
    with new_database(reel_env, tmp_path_factory.mktemp("transcode-host")) as (starter, url):
        yield make_platform(starter, reel_env, url, env=TEST_ENV)
