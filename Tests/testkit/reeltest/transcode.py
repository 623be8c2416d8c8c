"""Helpers for the transcoder's live tests: uploads through tus, waiting
for jobs, and reading the published streams from the storage folder with
ffprobe/ffmpeg (tests only)."""
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from reeltest.auth import AuthAPI
from reeltest.host import HostStarter, wait_until
from reeltest.video import Fixtures, VideoAPI


# Fast settings for tests: the quickest x264 preset, a short lease so that a
# killed worker's job is taken over within seconds, quick retries and polls.
TEST_ENV = {
    "REEL_TRANSCODER_PRESET": "ultrafast",
    "REEL_TRANSCODER_LEASE_SECONDS": "4",
    "REEL_TRANSCODER_POLL_SECONDS": "1",
    "REEL_TRANSCODER_RETRY_SECONDS": "1",
    "REEL_VIDEO_OUTBOX_POLL_SECONDS": "1",
}


class MediaFixtures(Fixtures):
    """More media, made once per session with the ffmpeg CLI."""

    def movie(self, seconds: int, size: str = "640x360", rate: int = 25) -> Path:
        """H.264 + AAC with moving content, keyframes every second."""
        return self._make(f"movie-{seconds}s-{size}.mp4", [
            "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", str(rate), "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-movflags", "+faststart", "-shortest"])

    def audio_only(self) -> Path:
        return self._make("speech.m4a", ["-f", "lavfi", "-i", "sine=frequency=550:duration=6", "-c:a", "aac"])

    def one_pixel(self) -> Path:
        return self._make("pixel.mp4", [
            "-f", "lavfi", "-i", "testsrc=size=1x1:rate=10:duration=3",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p"])

    def random_bytes(self) -> Path:
        path = self.folder / "random.mp4"
        if not path.exists():
            import os
            path.write_bytes(os.urandom(300_000))
        return path


class Platform(VideoAPI):
    """VideoAPI plus the transcoder's view: jobs, streams on disk, the bus."""

    media_root: Path | None = None  # set when REEL_MEDIA_DIR points elsewhere

    @property
    def media_dir(self) -> Path:
        return self.media_root or self.host.data_dir / "media"

    def job(self, video_id: str) -> dict:
        response = self.host.get(f"/api/v1/transcoder/jobs/{video_id}", headers=self.admin.bearer)
        assert response.status_code == 200, response.text
        return response.json()

    def job_if_queued(self, video_id: str) -> dict:
        """The job, or {} while the video's outbox has not delivered it yet."""
        response = self.host.get(f"/api/v1/transcoder/jobs/{video_id}", headers=self.admin.bearer)
        assert response.status_code in (200, 404), response.text
        return response.json() if response.status_code == 200 else {}

    def wait_state(self, video_id: str, states=("ready", "failed"), timeout: float = 180) -> dict:
        def settled():
            video = self.get_video(video_id, self.admin).json()
            return video if video.get("state") in states else None
        return wait_until(settled, timeout=timeout, interval=0.25, what=f"video {video_id} in {states}")

    def upload_video(self, path: Path, account=None) -> str:
        uploader = self.upload(account or self.creator, path)
        return uploader.request.response_headers["reel-video-id"]

    def media_path(self, url: str) -> Path:
        """The stored file behind a media URL (REEL_MEDIA_BASE_URL is /media/;
        signed URLs are /media/s/<expiry>/<signature>/<key>)."""
        return self.media_dir / storage_key(url)

    def stream_folders(self, video_id: str) -> list[str]:
        folder = self.media_dir / "videos" / video_id / "streams"
        return sorted(p.name for p in folder.iterdir()) if folder.exists() else []

    def bus_call(self, protos, method: str, request) -> tuple[int, str, bytes]:
        return self.host.bus_call(method, request)


def make_platform(starter: HostStarter, reel_env, database_url: str, env=None, fixtures=("bus-probe",)) -> Platform:
    host = starter(plugins=("auth", "video", "transcoder"), fixtures=fixtures, database_url=database_url, env=env or {})
    return Platform(host, AuthAPI(host, reel_env, database_url)).sign_in_cast(roles=("creator",))


def storage_key(url: str) -> str:
    """The storage key in a media URL, signed or not."""
    assert url.startswith("/media/"), url
    path = url[len("/media/"):].split("?", 1)[0]
    if path.startswith("s/"):
        path = path.split("/", 3)[3]
    return path


# -- reading streams (ffprobe / ffmpeg CLI, tests only)

def probe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def decode_errors(path: Path, *extra: str) -> str:
    """Decodes every stream of `path` to nowhere; returns ffmpeg's errors ("" if none)."""
    out = subprocess.run(["ffmpeg", "-v", "error", *extra, "-i", str(path), "-map", "0", "-f", "null", "-"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stderr.strip()


@dataclass
class MediaPlaylist:
    durations: list[float]
    segments: list[str]
    ended: bool
    kind: str | None


def media_playlist(path: Path) -> MediaPlaylist:
    text = path.read_text()
    durations = [float(m) for m in re.findall(r"#EXTINF:([0-9.]+)", text)]
    segments = [line for line in text.splitlines() if line and not line.startswith("#")]
    kind = re.search(r"#EXT-X-PLAYLIST-TYPE:(\w+)", text)
    return MediaPlaylist(durations, segments, "#EXT-X-ENDLIST" in text, kind.group(1) if kind else None)


def master_variants(path: Path) -> list[tuple[dict, str]]:
    """(attributes, URI) of each EXT-X-STREAM-INF."""
    lines = path.read_text().splitlines()
    variants = []
    for index, line in enumerate(lines):
        if line.startswith("#EXT-X-STREAM-INF:"):
            attributes = dict(re.findall(r'([A-Z-]+)=("[^"]*"|[^,]*)', line.split(":", 1)[1]))
            variants.append(({k: v.strip('"') for k, v in attributes.items()}, lines[index + 1]))
    return variants
