"""Issue #19, resources: the media probe must be confident. A 100-byte text
file whose bytes happen to contain an MP3 frame header twice was accepted
as 0.05 s of audio (libav's mp3 demuxer claims it with score 1 of 100)."""
from __future__ import annotations

from reeltest.inputs import media, video  # noqa: F401 (fixtures)
from reeltest.video import tus_refusal


def text_that_looks_like_mp3() -> bytes:
    text = b"These are my notes, not a video. " * 10
    header = bytes([0xFF, 0xF3, 0x20, 0xC4])  # MPEG-2 layer III, 16 kb/s, 22.05 kHz: "ÿó Ä" in Latin-1
    return (text[:20] + header + text[20:68] + header + text)[:100]


def test_a_text_file_is_not_audio(video, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(text_that_looks_like_mp3())
    before = video.stored_videos()
    status, body = tus_refusal(video, video.creator, path)
    assert status == 422, body
    assert body["error"]["code"] == "invalid_argument"
    assert "faintly resembles mp3" in body["error"]["message"]
    assert video.stored_videos() == before


def test_real_media_is_still_accepted(video, media):
    uploader = video.upload(video.creator, media.clip(1))
    headers = {k.lower(): v for k, v in uploader.request.response_headers.items()}
    assert headers.get("reel-video-id")
