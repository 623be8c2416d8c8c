"""Issue #19, resources: per-user upload quotas (total and daily) and a
free-space reserve, checked when a tus upload is created against its
declared Upload-Length (413 quota_exceeded / 507 insufficient_storage),
before a byte is stored."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from reeltest.inputs import assert_client_error, video_host
from reeltest.video import TUS, UPLOADS, b64

GiB = 1 << 30


def create_many(video, account, length: int, count: int) -> list[requests.Response]:
    """`count` concurrent creations declaring `length` bytes each."""
    headers = {**TUS, **account.bearer, "Upload-Length": str(length), "Upload-Metadata": f"filename {b64('big.mp4')}"}

    def one(_):
        return requests.post(video.host.url(UPLOADS), headers=headers, timeout=60)

    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(one, range(count)))


def partial_files(video) -> list[str]:
    folder = video.uploads_dir
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def upload_id(response) -> str:
    return response.headers["Location"].rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def defaults(reel_env, tmp_path_factory):
    """A host with the default quotas (only the largest upload raised to the default 10 GiB)."""
    yield from video_host(reel_env, tmp_path_factory, env={"REEL_MAX_UPLOAD_BYTES": str(10 * GiB)})


@pytest.fixture(scope="module")
def quota(reel_env, tmp_path_factory):
    yield from video_host(reel_env, tmp_path_factory, env={
        "REEL_MAX_UPLOAD_BYTES": str(10 * GiB), "REEL_VIDEO_QUOTA_BYTES": str(25 * GiB),
        "REEL_VIDEO_DAILY_QUOTA_BYTES": str(15 * GiB), "REEL_UPLOAD_DISK_RESERVE_BYTES": "-1"})


@pytest.fixture(scope="module")
def full_disk(reel_env, tmp_path_factory):
    yield from video_host(reel_env, tmp_path_factory, env={
        "REEL_VIDEO_QUOTA_BYTES": "-1", "REEL_VIDEO_DAILY_QUOTA_BYTES": "-1",
        "REEL_UPLOAD_DISK_RESERVE_BYTES": str(1 << 60)})


def test_a_hundred_ten_gib_uploads_are_not_all_created(defaults):
    responses = create_many(defaults, defaults.creator, 10 * GiB, 100)
    created = [r for r in responses if r.status_code == 201]
    refused = [r for r in responses if r.status_code != 201]
    assert len(created) <= 2, f"{len(created)} uploads of 10 GiB were created"
    for response in refused:
        assert response.status_code in (413, 507), response.text
        assert response.json()["error"]["code"] in ("quota_exceeded", "insufficient_storage")
    assert len(partial_files(defaults)) == 2 * len(created)  # <id> and <id>.info of the created ones only
    for response in created:
        assert defaults.delete_upload(defaults.creator, upload_id(response)).status_code == 204


def test_concurrent_creations_respect_the_daily_quota(quota):
    creator = quota.account("creator")
    responses = create_many(quota, creator, 10 * GiB, 40)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [413] * 39, statuses
    refusal = next(r for r in responses if r.status_code == 413)
    error = assert_client_error(refusal, 413, "quota_exceeded")
    assert "daily" in error["message"]
    # The unfinished upload counts until it is terminated.
    first = next(r for r in responses if r.status_code == 201)
    assert quota.create(creator, 6 * GiB).status_code == 413
    assert quota.delete_upload(creator, upload_id(first)).status_code == 204
    again = quota.create(creator, 10 * GiB)
    assert again.status_code == 201, again.text
    quota.delete_upload(creator, upload_id(again))


def test_the_total_quota_counts_stored_videos(quota):
    creator = quota.account("creator")
    old = str(uuid.uuid4())
    quota.psql(f"""INSERT INTO video.videos (id, owner_id, title, state, source_size, created_at)
                   VALUES ('{old}', '{creator.id}', 'old', 'ready', {20 * GiB}, now() - interval '3 days')""")
    error = assert_client_error(quota.create(creator, 6 * GiB), 413, "quota_exceeded")
    assert "daily" not in error["message"] and "quota" in error["message"]
    fits = quota.create(creator, 5 * GiB)
    assert fits.status_code == 201, fits.text
    quota.delete_upload(creator, upload_id(fits))
    # Another user's usage is theirs alone.
    assert quota.create(quota.creator, 5 * GiB).status_code == 201


def test_the_free_space_reserve_refuses_before_a_byte_is_stored(full_disk):
    """507 (not 413): the server's condition, not the request's; tus
    clients retry it later."""
    response = full_disk.create(full_disk.creator, 1000)
    assert response.status_code == 507, response.text
    assert response.json()["error"]["code"] == "insufficient_storage"
    assert partial_files(full_disk) == []
    assert full_disk.psql("SELECT count(*) FROM video.uploads") == "0"
