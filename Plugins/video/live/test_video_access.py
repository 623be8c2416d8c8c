"""VideoService/GetVideoAccess (internal): what plugins whose data hangs off
a video (comments, watchlist) ask instead of reading video tables; called
through the test-only bus-probe plugin, which relays calls to internal methods."""
import uuid

import pytest

from reeltest.auth import AuthAPI
from reeltest.host import new_database
from reeltest.video import VideoAPI

METHOD = "reel.video.v1.VideoService/GetVideoAccess"


@pytest.fixture(scope="module")
def access_api(reel_env, tmp_path_factory) -> VideoAPI:
    with new_database(reel_env, tmp_path_factory.mktemp("video-access-host")) as (starter, url):
        host = starter(plugins=("auth", "video"), fixtures=("bus-probe",), database_url=url)
        yield VideoAPI(host, AuthAPI(host, reel_env, url)).sign_in_cast()


def ask(api, protos, video_id, user_id="", role=""):
    request = protos.message("reel.video.v1.GetVideoAccessRequest")(video_id=video_id, user_id=user_id, role=role)
    status, message, content = api.host.bus_call(METHOD, request)
    assert status == 0, message
    return protos.message("reel.video.v1.VideoAccess").FromString(content)


def test_public_private_and_unknown_videos(access_api, protos):
    api = access_api
    public = api.insert_video(api.creator, title="Open")
    private = api.insert_video(api.creator, title="Secret", visibility="private")
    processing = api.insert_video(api.creator, title="Soon", state="processing")

    answer = ask(api, protos, public)
    assert (answer.exists, answer.may_view, answer.owner_id, answer.visibility, answer.state) == \
        (True, True, api.creator.id, "public", "ready")
    answer = ask(api, protos, private, api.viewer.id, "viewer")
    assert (answer.exists, answer.may_view, answer.owner_id, answer.visibility) == (True, False, api.creator.id, "private")
    assert ask(api, protos, private, api.creator.id, "creator").may_view
    assert ask(api, protos, private, api.admin.id, "admin").may_view
    assert not ask(api, protos, processing).may_view
    assert ask(api, protos, processing, api.creator.id, "creator").may_view

    for unknown in (str(uuid.uuid4()), "not-a-uuid", ""):
        answer = ask(api, protos, unknown)
        assert (answer.exists, answer.may_view) == (False, False)
        assert not answer.HasField("owner_id")


def test_it_is_internal(access_api):
    response = access_api.host.post(f"/rpc/{METHOD}", json={"videoId": str(uuid.uuid4())}, headers=access_api.admin.bearer)
    assert 400 <= response.status_code < 500
