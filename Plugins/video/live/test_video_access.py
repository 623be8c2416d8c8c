"""VideoService/GetVideoAccess (internal): what plugins whose data hangs off
a video (comments, watchlist) ask instead of reading video tables; called
through the test-only bus-probe plugin, which relays calls to internal methods."""
import uuid

import pytest

from reeltest.auth import AuthAPI, unique_email
from reeltest.host import HostStarter
from reeltest.video import VideoAPI

METHOD = "reel.video.v1.VideoService/GetVideoAccess"


@pytest.fixture(scope="module")
def access_api(reel_env, tmp_path_factory) -> VideoAPI:
    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("video-access-host"))
    try:
        host = starter(plugins=("auth", "video"), fixtures=("bus-probe",), database_url=url)
        api = VideoAPI(host, AuthAPI(host, reel_env, url))
        api.admin = api.auth.account(unique_email("admin"), display_name="The Admin")
        api.creator = api.account("creator")
        api.viewer = api.account("viewer")
        yield api
    finally:
        starter.stop_all()
        reel_env.drop_database(name)


def ask(api, protos, video_id, user_id="", role=""):
    request = protos.message("reel.video.v1.GetVideoAccessRequest")(video_id=video_id, user_id=user_id, role=role)
    service, name = METHOD.split("/")
    response = api.host.post(f"/test/call/{service}/{name}", data=request.SerializeToString())
    assert response.status_code == 200
    assert response.headers["Reel-Bus-Status"] == "0", response.headers.get("Reel-Bus-Message")
    return protos.message("reel.video.v1.VideoAccess").FromString(response.content)


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
