"""Helpers for the video plugin's live tests: signed-in accounts, tus
uploads (tuspy and raw HTTP), the database, the host's folders, and media
fixtures made with the ffmpeg CLI."""
from __future__ import annotations

import base64
import hashlib
import os
import shutil
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
from tusclient import client as tus_client
from tusclient.exceptions import TusCommunicationError

from reeltest.auth import Account, AuthAPI, unique_email
from reeltest.host import Host, HostStarter, RawResponse, cursor_pages, read_response

UPLOADS = "/api/v1/uploads"
# The S3 tests' bucket (the `s3` fixture), one per test session: the S3 test
# server is shared with the Swift tests and with other sessions.
BUCKET = f"reel-media-{uuid.uuid4().hex[:8]}"
TUS = {"Tus-Resumable": "1.0.0"}
VIDEO = "reel.video.v1.VideoService"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class VideoAPI:
    """The upload and video routes of one host, its accounts, and psql."""

    def __init__(self, host: Host, auth: AuthAPI):
        self.host = host
        self.auth = auth
        self.admin: Account | None = None
        self.creator: Account | None = None
        self.viewer: Account | None = None

    # -- database and folders

    def psql(self, sql: str) -> str:
        return self.auth.psql(sql)

    @property
    def uploads_dir(self) -> Path:
        return self.host.data_dir / "uploads"

    @property
    def media_dir(self) -> Path:
        return self.host.data_dir / "media"

    def upload_files(self, upload_id: str) -> list[str]:
        return sorted(p.name for p in self.uploads_dir.glob(f"*{upload_id}*"))

    def stored_videos(self) -> set[str]:
        folder = self.media_dir / "videos"
        return {p.name for p in folder.iterdir()} if folder.exists() else set()

    def host_files(self) -> set[str]:
        """Every file under the uploads and media folders (temporary ones too)."""
        found = set()
        for root in (self.uploads_dir, self.media_dir):
            if root.exists():
                found |= {str(p.relative_to(self.host.data_dir)) for p in root.rglob("*") if p.is_file()}
        return found

    # -- accounts

    def sign_in_cast(self, roles: tuple[str, ...] = ("creator", "viewer")) -> "VideoAPI":
        """Registers the first account of the database (`admin`, asserted to
        be made admin), then one signed-in account per role (`creator`,
        `viewer`); returns self."""
        self.admin = self.auth.account(unique_email("admin"), display_name="The Admin")
        assert self.admin.user["role"] == "admin"
        for role in roles:
            setattr(self, role, self.account(role))
        return self

    def account(self, role: str) -> Account:
        """A new signed-in account with `role` (set by the admin)."""
        account = self.auth.account(unique_email(role))
        if role != "viewer":
            response = self.auth.set_role(self.admin, account.id, role)
            assert response.status_code == 200, response.text
            self.auth.sign_in(account)  # a token that carries the new role
        return account

    # -- tus

    def tus(self, account: Account | None, **kwargs) -> tus_client.TusClient:
        headers = dict(account.bearer) if account else {}
        return tus_client.TusClient(self.host.url(UPLOADS), headers=headers)

    def upload(self, account: Account, path: Path, *, metadata: dict | None = None, chunk_size: int = 4 << 20):
        """Uploads a file with tuspy; returns the uploader (its last request's
        headers carry Reel-Video-Id)."""
        uploader = self.tus(account).uploader(file_path=str(path), chunk_size=chunk_size,
                                              metadata=metadata if metadata is not None else {"filename": path.name})
        uploader.upload()
        return uploader

    def create(self, account: Account | None, length: int, *, metadata: str | None = None, headers=None):
        h = {**TUS, "Upload-Length": str(length)}
        if metadata is not None:
            h["Upload-Metadata"] = metadata
        if account:
            h.update(account.bearer)
        h.update(headers or {})
        return self.host.post(UPLOADS, headers={k: v for k, v in h.items() if v is not None})

    def created_id(self, account: Account, length: int, name: str = "clip.mp4") -> str:
        response = self.create(account, length, metadata=f"filename {b64(name)}")
        assert response.status_code == 201, response.text
        return response.headers["Location"].rsplit("/", 1)[1]

    def patch(self, account: Account | None, upload_id: str, offset: int, body: bytes, *, headers=None):
        h = {**TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}
        if account:
            h.update(account.bearer)
        h.update(headers or {})
        return self.host.request("PATCH", f"{UPLOADS}/{upload_id}", data=body,
                                 headers={k: v for k, v in h.items() if v is not None})

    def head(self, account: Account | None, upload_id: str, *, headers=None):
        h = {**TUS, **(account.bearer if account else {}), **(headers or {})}
        return self.host.request("HEAD", f"{UPLOADS}/{upload_id}", headers={k: v for k, v in h.items() if v is not None})

    def delete_upload(self, account: Account, upload_id: str):
        return self.host.request("DELETE", f"{UPLOADS}/{upload_id}", headers={**TUS, **account.bearer})

    def open_patch(self, account: Account, upload_id: str, offset: int, length: int, *, chunked: bool = False) -> socket.socket:
        """Starts a PATCH on a raw socket and sends only its head; the caller
        sends (part of) the body and closes or reads the answer."""
        sock = socket.create_connection(("127.0.0.1", self.host.port), timeout=30)
        size = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}"
        sock.sendall((f"PATCH {UPLOADS}/{upload_id} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
                      f"Authorization: Bearer {account.access}\r\nUpload-Offset: {offset}\r\n"
                      f"Content-Type: application/offset+octet-stream\r\nConnection: close\r\n{size}\r\n\r\n").encode())
        return sock

    # -- videos

    def get_video(self, video_id: str, account: Account | None = None):
        return self.host.get(f"/api/v1/videos/{video_id}", headers=account.bearer if account else {})

    def list_videos(self, account: Account | None = None, **params):
        return self.host.get("/api/v1/videos", params=params, headers=account.bearer if account else {})

    def my_videos(self, account: Account, **params):
        return self.host.get("/api/v1/users/me/videos", params=params, headers=account.bearer)

    def edit(self, account: Account | None, video_id: str, **fields):
        return self.host.request("PATCH", f"/api/v1/videos/{video_id}", json=fields,
                                 headers=account.bearer if account else {})

    def delete_video(self, account: Account | None, video_id: str):
        return self.host.request("DELETE", f"/api/v1/videos/{video_id}", headers=account.bearer if account else {})

    def all_pages(self, account: Account | None = None, limit: int = 7, **params) -> list[dict]:
        """Every item of the catalog listing, following nextCursor."""
        pages = cursor_pages(lambda **query: self.list_videos(account, **query), limit, max_pages=100, **params)
        return [item for page in pages for item in page]

    def insert_video(self, owner: Account, *, title: str, description: str = "", tags=(), state: str = "ready",
                     visibility: str = "public", views: int = 0, published_offset_s: int = 0) -> str:
        """A video row written with psql (catalog tests need many, in chosen states)."""
        video_id = str(uuid.uuid4())
        tag_array = "ARRAY[" + ",".join(f"'{t}'" for t in tags) + "]::text[]" if tags else "'{}'::text[]"
        published = f"now() - interval '{published_offset_s} seconds'" if state == "ready" else "NULL"
        self.psql(f"""INSERT INTO video.videos (id, owner_id, title, description, tags, visibility, state, views,
                                                duration_seconds, published_at)
                      VALUES ('{video_id}', '{owner.id}', '{title}', '{description}', {tag_array}, '{visibility}',
                              '{state}', {views}, 12.5, {published})""")
        return video_id


def make_video_api(starter: HostStarter, reel_env, database_url: str, env=None) -> VideoAPI:
    host = starter(plugins=("auth", "video"), database_url=database_url, env=env or {})
    return VideoAPI(host, AuthAPI(host, reel_env, database_url)).sign_in_cast()


def raw_response(sock: socket.socket) -> RawResponse:
    try:
        return read_response(sock)
    finally:
        sock.close()


def tus_refusal(api: VideoAPI, account: Account, path: Path) -> tuple[int, dict]:
    """Uploads with tuspy expecting a refusal; returns (status, JSON error)."""
    import json

    try:
        api.upload(account, path)
    except TusCommunicationError as error:  # TusUploadFailed is a subclass
        return error.status_code, json.loads(error.response_content)
    raise AssertionError(f"the upload of {path.name} was accepted")


class Fixtures:
    """Media files, made once per session with the ffmpeg CLI."""

    def __init__(self, folder: Path):
        if shutil.which("ffmpeg") is None:
            pytest.skip("ffmpeg is not installed (tools/dev deps installs it)")
        self.folder = folder

    def _make(self, name: str, args: list[str]) -> Path:
        path = self.folder / name
        if not path.exists():
            subprocess.run(["ffmpeg", "-v", "error", "-y", *args, str(path)], check=True, timeout=120)
        return path

    def clip(self, seconds: float = 2) -> Path:
        """A small real MP4: H.264 + AAC, moov first."""
        return self._make(f"clip-{seconds}.mp4", [
            "-f", "lavfi", "-i", f"testsrc=size=320x240:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-movflags", "+faststart", "-shortest"])

    def large(self) -> Path:
        """≈207 MB of real video without encoding time: raw YUV frames in AVI
        (640x480 yuv420p, 25 fps, 18 s)."""
        return self._make("large.avi", [
            "-f", "lavfi", "-i", "testsrc=size=640x480:rate=25:duration=18",
            "-c:v", "rawvideo", "-pix_fmt", "yuv420p"])

    def text_as_mp4(self) -> Path:
        path = self.folder / "notes.mp4"
        path.write_text("These are my notes, not a video.\n" * 200)
        return path

    def truncated_mp4(self) -> Path:
        path = self.folder / "truncated.mp4"
        data = self.clip(4).read_bytes()
        path.write_bytes(data[: len(data) * 6 // 10])
        return path

    def empty(self) -> Path:
        path = self.folder / "empty.mp4"
        path.write_bytes(b"")
        return path


def s3_env(endpoint: str) -> dict:
    """A host's settings for S3 storage on the test server (the `s3` fixture)."""
    return {"REEL_STORAGE": "s3", "REEL_S3_ENDPOINT": endpoint, "REEL_S3_BUCKET": BUCKET, "REEL_S3_REGION": "us-east-1",
            "REEL_S3_ACCESS_KEY": "test", "REEL_S3_SECRET_KEY": "test"}
