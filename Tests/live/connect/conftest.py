# The Connect conformance-style suite: a host with auth, video and the two
# sample plugins, signed-in accounts and videos to call methods on.
import sys
from pathlib import Path

_repo = Path(__file__).resolve().parents[3]
for _suite in ("Tests/live", "Plugins/auth/tests", "Plugins/video/tests"):
    sys.path.insert(0, str(_repo / _suite))

import pytest  # noqa: E402

from authclient import AuthAPI, unique_email  # noqa: E402
from reelhost import HostStarter  # noqa: E402 (the fixtures come from Tests/live/conftest.py)
from videoclient import VideoAPI  # noqa: E402


class ConnectAPI(VideoAPI):
    def new_comment(self, text: str = "A conformance comment") -> str:
        """A comment of the viewer's on the video, through the JSON API."""
        response = self.host.post(f"/api/v1/videos/{self.video_id}/comments", json={"text": text},
                                  headers=self.viewer.bearer)
        assert response.status_code == 201, response.text
        return response.json()["id"]


@pytest.fixture(scope="module")
def rpc(reel_env, tmp_path_factory) -> VideoAPI:
    """auth + video + comment + watchlist + hello + hello-c on a database of
    their own, with an admin, a creator, a viewer, a public ready video of
    the creator's and a comment of the viewer's on it."""
    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("connect-host"))
    try:
        host = starter(plugins=("auth", "video", "comment", "watchlist", "hello", "hello-c"), database_url=url,
                       env={"REEL_COMMENT_RATE_PER_MINUTE": "1000"})
        api = ConnectAPI(host, AuthAPI(host, reel_env, url))
        api.admin = api.auth.account(unique_email("admin"), display_name="The Admin")
        assert api.admin.user["role"] == "admin"
        api.creator = api.account("creator")
        api.viewer = api.account("viewer")
        api.video_id = api.insert_video(api.creator, title="Conformance clip", tags=("conformance",))
        api.comment_id = api.new_comment()
        yield api
    finally:
        starter.stop_all()
        reel_env.drop_database(name)
