"""The video plugin on the bus: the events it publishes and the internal
methods the transcoder will call, seen through the test-only bus-probe
plugin (Tests/Fixtures/bus-probe), which records events and relays calls."""
import pytest

from reeltest.auth import AuthAPI
from reeltest.host import new_database, wait_until
from reeltest.video import VideoAPI


@pytest.fixture(scope="module")
def bus_video(reel_env, tmp_path_factory) -> VideoAPI:
    with new_database(reel_env, tmp_path_factory.mktemp("video-bus-host")) as (starter, url):
        host = starter(plugins=("auth", "video"), fixtures=("bus-probe",), database_url=url)
        yield VideoAPI(host, AuthAPI(host, reel_env, url)).sign_in_cast(roles=("creator",))


def events(api, protos, topic, message):
    return api.host.bus_events(protos, topic, message)


def bus_call(api, protos, method, request):
    return api.host.bus_call(method, request)


def test_the_video_life_cycle_on_the_bus(bus_video, media, protos):
    api = bus_video
    uploader = api.upload(api.creator, media.clip(2))
    video_id = uploader.request.response_headers["reel-video-id"]

    uploaded = wait_until(lambda: [e for e in events(api, protos, "video.uploaded", "reel.video.v1.VideoUploaded")
                                   if e.video_id == video_id])
    assert uploaded[0].owner_id == api.creator.id
    assert uploaded[0].source_key.startswith(f"videos/{video_id}/source/")
    assert abs(uploaded[0].duration_seconds - 2) < 0.2

    service = "reel.video.v1.VideoService"
    progress = protos.message("reel.video.v1.MarkProgressRequest")(id=video_id, progress=40)
    status, message, _ = bus_call(api, protos, f"{service}/MarkProgress", progress)
    assert status == 0, message
    assert api.get_video(video_id, api.creator).json()["progress"] == 40

    ready = protos.message("reel.video.v1.MarkReadyRequest")(
        id=video_id, poster_key=f"videos/{video_id}/poster.jpg", hls_key=f"videos/{video_id}/hls/master.m3u8",
        dash_key=f"videos/{video_id}/dash/manifest.mpd")
    status, message, payload = bus_call(api, protos, f"{service}/MarkReady", ready)
    assert status == 0, message
    video = protos.message("reel.video.v1.Video").FromString(payload)
    assert video.state == "ready"
    public = api.get_video(video_id).json()   # now anyone may see it
    assert public["state"] == "ready" and public["hlsUrl"].endswith(f"videos/{video_id}/hls/master.m3u8")
    assert public["posterUrl"] and public["dashUrl"] and public["publishedAt"]
    assert wait_until(lambda: [e for e in events(api, protos, "video.ready", "reel.video.v1.VideoReady")
                               if e.video_id == video_id])

    assert api.delete_video(api.creator, video_id).status_code == 204
    assert wait_until(lambda: [e for e in events(api, protos, "video.deleted", "reel.video.v1.VideoDeleted")
                               if e.video_id == video_id])


def test_mark_failed_records_the_reason(bus_video, media, protos):
    api = bus_video
    video_id = api.upload(api.creator, media.clip(2)).request.response_headers["reel-video-id"]
    failed = protos.message("reel.video.v1.MarkFailedRequest")(id=video_id, reason="the encoder gave up")
    status, message, _ = bus_call(api, protos, "reel.video.v1.VideoService/MarkFailed", failed)
    assert status == 0, message
    mine = api.get_video(video_id, api.creator).json()
    assert (mine["state"], mine["failureReason"], mine["hlsUrl"]) == ("failed", "the encoder gave up", None)
    assert wait_until(lambda: [e for e in events(api, protos, "video.failed", "reel.video.v1.VideoFailed")
                               if e.video_id == video_id and e.reason == "the encoder gave up"])


def test_internal_methods_stay_closed_to_outside_clients(bus_video, protos):
    request = protos.message("reel.video.v1.MarkFailedRequest")(id="00000000-0000-0000-0000-000000000000", reason="x")
    response = bus_video.host.post("/rpc/reel.video.v1.VideoService/MarkFailed", data=request.SerializeToString(),
                                   headers={"Content-Type": "application/proto"})
    assert response.status_code == 404 and response.json()["code"] == "unimplemented"
