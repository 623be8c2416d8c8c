# The Connect conformance-style suite: a host with auth, video and the two
# sample plugins, signed-in accounts and videos to call methods on.
import pytest

from reeltest.auth import AuthAPI
from reeltest.host import new_database
from reeltest.video import VideoAPI


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
    with new_database(reel_env, tmp_path_factory.mktemp("connect-host")) as (starter, url):
        host = starter(plugins=("auth", "video", "comment", "watchlist", "hello", "hello-c"), database_url=url,
                       env={"REEL_COMMENT_RATE_PER_MINUTE": "1000"})
        api = ConnectAPI(host, AuthAPI(host, reel_env, url)).sign_in_cast()
        api.video_id = api.insert_video(api.creator, title="Conformance clip", tags=("conformance",))
        api.comment_id = api.new_comment()
        yield api
