"""Fixtures of the input-and-resources security tests (issue #19): a host
with auth + video (and one with the sample plugins), the video suite's
client and media fixtures. Imported by the test_input_*.py /
test_upload_*.py / test_views_*.py files of Tests/live/security (not its
conftest.py: the folder is shared with other security suites)."""
from __future__ import annotations

import pytest

from reeltest.host import new_database
from reeltest.video import Fixtures, VideoAPI, make_video_api

COMBINING_ACUTE = "\u0301"
FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"  # one grapheme, 7 code points


def assert_client_error(response, status: int | None = None, code: str | None = "invalid_argument") -> dict:
    """A clear 4xx JSON error (never a 5xx): returns the error object."""
    assert 400 <= response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    if status is not None:
        assert response.status_code == status, response.text[:500]
    error = response.json()["error"]
    if code is not None:
        assert error["code"] == code, error
    return error


@pytest.fixture(scope="session")
def media(tmp_path_factory) -> Fixtures:
    return Fixtures(tmp_path_factory.mktemp("security-media"))


def video_host(reel_env, tmp_path_factory, env: dict | None = None):
    """Generator for a module fixture: auth + video on a database of their own."""
    with new_database(reel_env, tmp_path_factory.mktemp("security-video-host")) as (starter, url):
        yield make_video_api(starter, reel_env, url, env={"REEL_MAX_UPLOAD_BYTES": str(1 << 30), **(env or {})})


@pytest.fixture(scope="module")
def video(reel_env, tmp_path_factory) -> VideoAPI:
    yield from video_host(reel_env, tmp_path_factory)
