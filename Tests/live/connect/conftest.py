# The Connect conformance-style suite: a host with every plugin that serves
# public methods (and the sample plugins), signed-in accounts, a video, a
# comment, a notification and a transcoder job to call methods on.
import pytest

from reeltest.auth import AuthAPI, unique_email
from reeltest.host import new_database, wait_until
from reeltest.video import VideoAPI

PLUGINS = ("auth", "video", "comment", "watchlist", "notification", "transcoder", "hello", "hello-c")


class ConnectAPI(VideoAPI):
    def new_comment(self, text: str = "A conformance comment") -> str:
        """A comment of the viewer's on the video, through the JSON API."""
        response = self.host.post(f"/api/v1/videos/{self.video_id}/comments", json={"text": text},
                                  headers=self.viewer.bearer)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def notifications(self, who) -> list[dict]:
        response = self.host.get("/api/v1/me/notifications", params={"limit": 100}, headers=who.bearer)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    def bus_call(self, method: str, request: bytes) -> None:
        """An internal method, relayed by the bus-probe fixture plugin."""
        service, name = method.split("/")
        response = self.host.post(f"/test/call/{service}/{name}", data=request)
        assert response.status_code == 200, response.text
        assert response.headers["Reel-Bus-Status"] == "0", response.headers.get("Reel-Bus-Message")


@pytest.fixture(scope="module")
def rpc(reel_env, tmp_path_factory) -> ConnectAPI:
    """The plugins on a database of their own, with an admin, a creator, a
    viewer, a public ready video of the creator's, a comment of the viewer's
    on it (and so a notification of the creator's), and a transcoder job."""
    with new_database(reel_env, tmp_path_factory.mktemp("connect-host")) as (starter, url):
        host = starter(plugins=PLUGINS, fixtures=("bus-probe",), database_url=url,
                       env={"REEL_COMMENT_RATE_PER_MINUTE": "1000"})
        api = ConnectAPI(host, AuthAPI(host, reel_env, url))
        api.admin = api.auth.account(unique_email("admin"), display_name="The Admin")
        assert api.admin.user["role"] == "admin"
        api.creator = api.account("creator")
        api.viewer = api.account("viewer")
        api.video_id = api.insert_video(api.creator, title="Conformance clip", tags=("conformance",))
        api.comment_id = api.new_comment()
        api.notification_id = wait_until(lambda: [n["id"] for n in api.notifications(api.creator)], timeout=20,
                                         what="the creator's notification of the comment")[0]
        # A job for a video still processing (its source does not exist: the job fails, and stays listed).
        api.job_video_id = api.insert_video(api.creator, title="Transcoder job", state="processing")
        enqueue = reel_env.protos.message("reel.transcoder.v1.EnqueueJobRequest")(
            video_id=api.job_video_id, source_key=f"uploads/{api.job_video_id}", owner_id=api.creator.id,
            duration_seconds=1.0)
        api.bus_call("reel.transcoder.v1.TranscoderService/EnqueueJob", enqueue.SerializeToString())
        yield api
