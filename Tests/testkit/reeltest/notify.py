"""Helpers for the notification plugin's live tests: the routes, a real SMTP
server (aiosmtpd) that keeps what it receives, and videos made ready or
failed through the video service's internal methods (relayed by bus-probe),
so the video plugin publishes video.ready / video.failed itself."""
from __future__ import annotations

import email
import email.policy
import threading

import pytest

from reeltest.auth import Account, AuthAPI
from reeltest.host import Host, HostStarter, free_port, wait_until
from reeltest.video import VideoAPI

VIDEO = "reel.video.v1.VideoService"
# Short retries so "SMTP down, then up" takes seconds.
FAST_MAIL = {"REEL_NOTIFICATION_MAIL_POLL_SECONDS": "1", "REEL_NOTIFICATION_MAIL_MAX_BACKOFF_SECONDS": "2"}


class MailServer:
    """aiosmtpd on a fixed loopback port; stop() and start() again simulate an outage."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()
        self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        controller_module = pytest.importorskip("aiosmtpd.controller")
        server = self

        class Handler:
            async def handle_DATA(self, _server, _session, envelope):
                with server._lock:
                    server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                    server.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
                return "250 OK"

        self._controller = controller_module.Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]


class NotifyAPI(VideoAPI):
    """The notification routes of one host, plus the video helpers."""

    def follow(self, who: Account, creator_id: str):
        return self.host.request("PUT", f"/api/v1/me/subscriptions/{creator_id}", headers=who.bearer)

    def unfollow(self, who: Account, creator_id: str):
        return self.host.request("DELETE", f"/api/v1/me/subscriptions/{creator_id}", headers=who.bearer)

    def subscriptions(self, who: Account, **params):
        return self.host.get("/api/v1/me/subscriptions", params=params, headers=who.bearer)

    def subscription_videos(self, who: Account, **params):
        return self.host.get("/api/v1/me/subscriptions/videos", params=params, headers=who.bearer)

    def feed(self, who: Account, **params):
        response = self.host.get("/api/v1/me/notifications", params=params, headers=who.bearer)
        assert response.status_code == 200, response.text
        return response.json()

    def read(self, who: Account, ids):
        return self.host.post("/api/v1/me/notifications/read", json={"ids": ids}, headers=who.bearer)

    def read_all(self, who: Account):
        return self.host.post("/api/v1/me/notifications/read-all", headers=who.bearer)

    def settings(self, who: Account):
        return self.host.get("/api/v1/me/notification-settings", headers=who.bearer)

    def update_settings(self, who: Account, body: dict):
        return self.host.request("PUT", "/api/v1/me/notification-settings", json=body, headers=who.bearer)

    def wait_feed(self, who: Account, predicate, what: str, timeout: float = 20) -> list[dict]:
        return wait_until(lambda: [n for n in self.feed(who, limit=100)["items"] if predicate(n)] or None,
                          timeout=timeout, what=what)

    # -- videos through the video service's own internal methods

    def bus_call(self, method: str, request: bytes) -> tuple[int, str]:
        status, message, _ = self.host.bus_call(method, request)
        return status, message

    def publish(self, protos, owner: Account, *, title: str, visibility: str = "public") -> str:
        """A processing video of `owner`, then MarkReady: video.ready is published."""
        video_id = self.insert_video(owner, title=title, state="processing", visibility=visibility)
        ready = protos.message("reel.video.v1.MarkReadyRequest")(
            id=video_id, poster_key=f"videos/{video_id}/poster.jpg", hls_key=f"videos/{video_id}/hls/master.m3u8",
            dash_key=f"videos/{video_id}/dash/manifest.mpd")
        status, message = self.bus_call(f"{VIDEO}/MarkReady", ready.SerializeToString())
        assert status == 0, message
        return video_id

    def fail(self, protos, owner: Account, *, title: str, reason: str) -> str:
        video_id = self.insert_video(owner, title=title, state="processing")
        failed = protos.message("reel.video.v1.MarkFailedRequest")(id=video_id, reason=reason)
        status, message = self.bus_call(f"{VIDEO}/MarkFailed", failed.SerializeToString())
        assert status == 0, message
        return video_id


def make_notify_api(starter: HostStarter, reel_env, database_url: str, env=None,
                    plugins=("auth", "video", "notification")) -> NotifyAPI:
    host = starter(plugins=plugins, fixtures=("bus-probe",), database_url=database_url,
                   env={**FAST_MAIL, **(env or {})})
    return NotifyAPI(host, AuthAPI(host, reel_env, database_url)).sign_in_cast()
