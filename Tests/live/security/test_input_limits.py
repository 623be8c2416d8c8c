"""Issue #19, one length rule: limits count code points (PostgreSQL's
char_length) and UTF-8 bytes, control characters are refused, the format
characters emoji need are not. Every case answers 4xx, never 5xx."""
from __future__ import annotations

from reeltest.inputs import COMBINING_ACUTE, FAMILY, assert_client_error, media, video  # noqa: F401 (fixtures)
from reeltest.video import b64
from reeltest.auth import unique_email

ZALGO_E = "e" + COMBINING_ACUTE * 250  # 1 grapheme, 251 code points


def a_video(video) -> str:
    return video.insert_video(video.creator, title="plain")


def test_crlf_description_is_counted_as_stored(video):
    video_id = a_video(video)
    response = video.edit(video.creator, video_id, description="line\r\n" * 999 + "end")
    assert response.status_code == 200, response.text
    stored = video.psql(f"SELECT char_length(description) FROM video.videos WHERE id = '{video_id}'")
    assert stored == "4998"  # CR LF became LF before counting: what the schema counts
    assert "\r" not in response.json()["description"]
    assert_client_error(video.edit(video.creator, video_id, description="line\r\n" * 1001))


def test_combining_marks_count_in_a_title(video):
    video_id = a_video(video)
    error = assert_client_error(video.edit(video.creator, video_id, title=ZALGO_E), 400)
    assert "title" in error["message"]
    assert video.get_video(video_id).json()["title"] == "plain"


def test_a_family_emoji_title_is_accepted(video):
    video_id = a_video(video)
    title = f"Our {FAMILY} day"
    response = video.edit(video.creator, video_id, title=title)
    assert response.status_code == 200, response.text
    assert video.get_video(video_id).json()["title"] == title


def test_a_tag_of_one_grapheme_with_many_marks_is_refused(video):
    video_id = a_video(video)
    assert_client_error(video.edit(video.creator, video_id, tags=["a" + COMBINING_ACUTE * 5000]), 400)
    assert_client_error(video.edit(video.creator, video_id, tags=["a" + COMBINING_ACUTE * 40]), 400)


def test_control_characters_are_refused(video):
    video_id = a_video(video)
    for bad in ("a\u0007b", "a\u0085b", "a\nb"):
        assert_client_error(video.edit(video.creator, video_id, title=bad), 400)
    assert_client_error(video.edit(video.creator, video_id, description="a\u0000b"), 400)
    assert_client_error(video.edit(video.creator, video_id, description="a\u009bb"), 400)


def test_tus_metadata_title_uses_the_same_rule(video):
    response = video.create(video.creator, 1000, metadata=f"filename {b64('a.mp4')},title {b64(ZALGO_E)}")
    error = assert_client_error(response, 400)
    assert "title" in error["message"]
    ok = video.create(video.creator, 1000, metadata=f"filename {b64('a.mp4')},title {b64(FAMILY)}")
    assert ok.status_code == 201, ok.text
    video.delete_upload(video.creator, ok.headers["Location"].rsplit("/", 1)[1])


def test_a_title_from_a_long_file_name_is_cut_at_code_points(video, media):
    """The title derived from the file name obeys the schema too: the upload
    completes (it used to 500 on every final PATCH)."""
    uploader = video.upload(video.creator, media.clip(1), metadata={"filename": ZALGO_E + ".mp4"})
    video_id = uploader.request.response_headers.get("reel-video-id") or \
        uploader.request.response_headers.get("Reel-Video-Id")
    assert video_id
    title = video.get_video(video_id, video.creator).json()["title"]
    assert len(title) == 200 and title.startswith("e")


def test_display_name_counts_code_points(video):
    response = video.auth.register(unique_email("marks"), display_name="A" + COMBINING_ACUTE * 100_000)
    assert_client_error(response)
    response = video.auth.register(unique_email("marks"), display_name="A" + COMBINING_ACUTE * 80)
    assert_client_error(response, 400)
    response = video.auth.register(unique_email("family"), display_name=f"The {FAMILY}s")
    assert response.status_code in (200, 201), response.text


def test_hello_name_counts_code_points(start_host):
    host = start_host(plugins=("hello", "hello-c"))
    name = ("a" + COMBINING_ACUTE * 30) * 100  # 100 graphemes, 3100 code points
    response = host.post("/api/v1/hello", json={"name": name})
    error = assert_client_error(response, 400)
    assert error["message"] == "name must be 1 to 100 characters"
    assert host.post("/api/v1/hello", json={"name": FAMILY}).status_code == 200


def test_catalog_filters_use_the_same_rule(video):
    assert_client_error(video.list_videos(q="a" + COMBINING_ACUTE * 300), 400)
    assert_client_error(video.list_videos(tag="a" + COMBINING_ACUTE * 100), 400)
    assert_client_error(video.list_videos(q="a\u0000b"), 400)
    assert video.list_videos(q=FAMILY).status_code == 200
    assert video.list_videos(tag="cats").status_code == 200
