"""BatchGetVideos (internal): the cards of many videos as one viewer sees
them, in the order asked, over the bus (through the test-only bus-probe
plugin). The watchlist plugin builds its lists with it."""
import uuid

import pytest

from reeltest.auth import AuthAPI
from reeltest.host import new_database
from reeltest.video import VideoAPI

METHOD = "reel.video.v1.VideoService/BatchGetVideos"


@pytest.fixture(scope="module")
def batch(reel_env, tmp_path_factory) -> VideoAPI:
    with new_database(reel_env, tmp_path_factory.mktemp("video-batch-host")) as (starter, url):
        host = starter(plugins=("auth", "video"), fixtures=("bus-probe",), database_url=url)
        yield VideoAPI(host, AuthAPI(host, reel_env, url)).sign_in_cast()


def call(api, protos, ids, viewer_id="", role=""):
    request = protos.message("reel.video.v1.BatchGetVideosRequest")(ids=ids, viewer_id=viewer_id, viewer_role=role)
    status, message, content = api.host.bus_call(METHOD, request)
    if status != 0:
        return status, message
    return 0, [v for v in protos.message("reel.video.v1.BatchGetVideosResponse").FromString(content).videos]


def test_cards_in_the_order_asked_visible_ones_only(batch, protos):
    api = batch
    public = [api.insert_video(api.creator, title=f"Public {i}") for i in range(3)]
    private = api.insert_video(api.creator, title="Private", visibility="private")
    processing = api.insert_video(api.creator, title="Processing", state="processing")
    unlisted = api.insert_video(api.creator, title="Unlisted", visibility="unlisted")
    asked = [public[2], private, str(uuid.uuid4()), public[0], "not-an-id", processing, unlisted, public[1],
             public[0].upper()]

    status, videos = call(api, protos, asked, api.viewer.id, "viewer")
    assert status == 0, videos
    assert [v.id for v in videos] == [public[2], public[0], unlisted, public[1], public[0]]
    first = videos[0]
    assert first.title == "Public 2" and first.owner_id == api.creator.id and first.state == "ready"

    status, videos = call(api, protos, asked)  # anonymous
    assert [v.id for v in videos] == [public[2], public[0], unlisted, public[1], public[0]]
    status, videos = call(api, protos, asked, api.creator.id, "creator")  # the owner sees all of theirs
    assert [v.id for v in videos] == [public[2], private, public[0], processing, unlisted, public[1], public[0]]
    status, videos = call(api, protos, asked, api.admin.id, "admin")
    assert len(videos) == 7

    assert call(api, protos, []) == (0, [])
    status, message = call(api, protos, [str(uuid.uuid4()) for _ in range(501)])
    assert status == 3 and "500" in message  # invalid_argument


def test_not_reachable_from_outside(batch, protos):
    request = protos.message("reel.video.v1.BatchGetVideosRequest")(ids=[str(uuid.uuid4())])
    response = batch.host.post(f"/rpc/{METHOD}", data=request.SerializeToString(),
                               headers={"Content-Type": "application/proto", **batch.admin.bearer})
    assert 400 <= response.status_code < 500, response.text
