"""Helpers for the comment plugin's live tests: the comment routes of one
host, its accounts, videos written with psql, and the events bus-probe saw."""
from __future__ import annotations

from reeltest.auth import Account, AuthAPI, unique_email
from reeltest.host import Host, HostStarter, cursor_pages
from reeltest.video import VideoAPI

COMMENTS = "reel.comment.v1.CommentService"


class CommentAPI(VideoAPI):
    """The comment routes, on top of the video routes and accounts."""

    def __init__(self, host: Host, auth: AuthAPI):
        super().__init__(host, auth)

    def user(self, name: str = "Test User") -> Account:
        """A new signed-in viewer (each has its own rate limit)."""
        return self.auth.account(unique_email("commenter"), display_name=name)

    def video(self, owner: Account | None = None, **kwargs) -> str:
        """A ready video (a row written with psql) owned by the creator."""
        return self.insert_video(owner or self.creator, title=kwargs.pop("title", "A video"), **kwargs)

    @staticmethod
    def _headers(account: Account | None) -> dict:
        return account.bearer if account else {}

    def list(self, video_id: str, account: Account | None = None, **params):
        return self.host.get(f"/api/v1/videos/{video_id}/comments", params=params, headers=self._headers(account))

    def replies(self, comment_id: str, account: Account | None = None, **params):
        return self.host.get(f"/api/v1/comments/{comment_id}/replies", params=params, headers=self._headers(account))

    def post(self, account: Account | None, video_id: str, text, in_reply_to: str | None = None):
        body = {"text": text}
        if in_reply_to is not None:
            body["inReplyTo"] = in_reply_to
        return self.host.post(f"/api/v1/videos/{video_id}/comments", json=body, headers=self._headers(account))

    def create(self, account: Account, video_id: str, text: str, in_reply_to: str | None = None) -> dict:
        response = self.post(account, video_id, text, in_reply_to)
        assert response.status_code == 201, response.text
        return response.json()

    def edit(self, account: Account | None, comment_id: str, text):
        return self.host.request("PATCH", f"/api/v1/comments/{comment_id}", json={"text": text},
                                 headers=self._headers(account))

    def delete(self, account: Account | None, comment_id: str):
        return self.host.request("DELETE", f"/api/v1/comments/{comment_id}", headers=self._headers(account))

    def pin(self, account: Account | None, comment_id: str):
        return self.host.request("PUT", f"/api/v1/comments/{comment_id}/pin", headers=self._headers(account))

    def unpin(self, account: Account | None, comment_id: str):
        return self.host.request("DELETE", f"/api/v1/comments/{comment_id}/pin", headers=self._headers(account))

    def settings(self, account: Account | None, video_id: str):
        return self.host.get(f"/api/v1/videos/{video_id}/comment-settings", headers=self._headers(account))

    def set_enabled(self, account: Account | None, video_id: str, enabled):
        return self.host.request("PUT", f"/api/v1/videos/{video_id}/comment-settings", json={"enabled": enabled},
                                 headers=self._headers(account))

    def mine(self, account: Account, **params):
        return self.host.get("/api/v1/users/me/comments", params=params, headers=account.bearer)

    def pages(self, fetch, limit: int = 7, **params) -> list[list[dict]]:
        """Every page of a listing (`fetch(**params)` -> response), following nextCursor."""
        return cursor_pages(fetch, limit, max_pages=200, **params)

    def events(self, protos, topic: str, message: str) -> list:
        return self.host.bus_events(protos, topic, message)

    def rpc(self, method: str, request, account: Account | None = None):
        """POST /rpc/<service>/<method> with a protobuf body."""
        return self.host.post(f"/rpc/{COMMENTS}/{method}", data=request.SerializeToString(),
                              headers={"Content-Type": "application/proto", **self._headers(account)})


def make_comment_api(starter: HostStarter, reel_env, database_url: str, env=None) -> CommentAPI:
    host = starter(plugins=("auth", "video", "comment"), fixtures=("bus-probe",), database_url=database_url,
                   env={"REEL_DISPLAY_NAME_TTL_SECONDS": "1", **(env or {})})
    return CommentAPI(host, AuthAPI(host, reel_env, database_url)).sign_in_cast()


def assert_error(response, status: int, code: str | None = None) -> dict:
    """A clear JSON error with `status` (and `code`)."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code, error
    return error
