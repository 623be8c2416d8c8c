"""tus 1.0 on /api/v1/uploads against a real host: discovery, creation,
offsets, termination, and every refusal the protocol defines."""
import time
import uuid

import pytest

from reeltest.host import new_database
from reeltest.video import TUS, UPLOADS, b64, raw_response


def error_of(response) -> tuple[str, str]:
    error = response.json()["error"]
    return error["code"], error["message"]


def test_options_is_public_and_lists_the_protocol(video):
    response = video.host.request("OPTIONS", UPLOADS)
    assert response.status_code == 204, response.text
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert response.headers["Tus-Version"] == "1.0.0"
    assert response.headers["Tus-Extension"] == "creation,termination,expiration"
    assert response.headers["Tus-Max-Size"] == str(1 << 30)


def test_creation_answers_location_and_expiry(video):
    response = video.create(video.creator, 1000, metadata=f"filename {b64('My Holiday.mp4')}")
    assert response.status_code == 201, response.text
    location = response.headers["Location"]
    assert location.startswith("/api/v1/uploads/")
    upload_id = location.rsplit("/", 1)[1]
    assert str(uuid.UUID(upload_id)) == upload_id
    assert response.headers["Tus-Resumable"] == "1.0.0"
    expires = time.mktime(time.strptime(response.headers["Upload-Expires"], "%a, %d %b %Y %H:%M:%S GMT"))
    assert abs(expires - time.mktime(time.gmtime()) - 24 * 3600) < 120
    row = video.psql(f"SELECT owner_id, length, filename, title FROM video.uploads WHERE id = '{upload_id}'")
    assert row == f"{video.creator.id}|1000|My Holiday.mp4|My Holiday"  # title defaults to the file name
    head = video.head(video.creator, upload_id)
    assert head.status_code == 200, head.text
    assert head.headers["Upload-Offset"] == "0" and head.headers["Upload-Length"] == "1000"
    assert head.headers["Cache-Control"] == "no-store" and head.headers["Tus-Resumable"] == "1.0.0"
    assert video.upload_files(upload_id) == [upload_id, f"{upload_id}.info"]


def test_creation_refusals(video):
    c = video.creator
    missing = video.create(c, 10, headers={"Tus-Resumable": None})
    assert missing.status_code == 412 and missing.headers["Tus-Version"] == "1.0.0", missing.text
    assert video.create(c, 10, headers={"Tus-Resumable": "0.2.2"}).status_code == 412
    for length in ("", "-1", "abc", "1.5"):
        response = video.create(c, 0, headers={"Upload-Length": length})
        assert response.status_code == 400, (length, response.text)
    no_length = video.create(c, 0, headers={"Upload-Length": None})
    assert no_length.status_code == 400
    deferred = video.create(c, 0, headers={"Upload-Length": None, "Upload-Defer-Length": "1"})
    assert deferred.status_code == 400 and "Defer" in error_of(deferred)[1]
    too_big = video.create(c, (1 << 30) + 1)
    assert too_big.status_code == 413, too_big.text
    for metadata in ("filename !!!", "filename YQ==,filename YQ==", "filename a b", f"title {b64('x' * 201)}",
                     f"title {b64('   ')}", "x" * 5000):
        response = video.create(c, 10, metadata=metadata)
        assert response.status_code == 400, (metadata[:40], response.text)
        assert error_of(response)[0] == "invalid_argument"
        assert response.json()["error"]["requestId"] == response.headers["X-Request-Id"]


def test_access_anonymous_401_viewer_403(video):
    assert video.create(None, 10).status_code == 401
    assert video.create(video.viewer, 10).status_code == 403
    upload_id = video.created_id(video.creator, 10)
    assert video.head(None, upload_id).status_code == 401
    assert video.head(video.viewer, upload_id).status_code == 403
    assert video.patch(None, upload_id, 0, b"x").status_code == 401
    assert video.patch(video.viewer, upload_id, 0, b"x").status_code == 403
    assert video.admin is not None and video.create(video.admin, 10).status_code == 201  # admins may upload too


def test_unknown_and_other_users_uploads_are_404(video):
    upload_id = video.created_id(video.creator, 10)
    other = video.account("creator")
    for account, target in ((video.creator, str(uuid.uuid4())), (video.creator, "not-a-uuid"), (other, upload_id)):
        assert video.head(account, target).status_code == 404
        assert video.patch(account, target, 0, b"x").status_code == 404
        assert video.host.request("DELETE", f"{UPLOADS}/{target}", headers={**TUS, **account.bearer}).status_code == 404
    assert video.head(video.creator, upload_id).headers["Upload-Offset"] == "0"  # untouched


def test_patch_appends_at_the_offset(video):
    upload_id = video.created_id(video.creator, 10)
    first = video.patch(video.creator, upload_id, 0, b"0123")
    assert first.status_code == 204, first.text
    assert first.headers["Upload-Offset"] == "4" and first.headers["Tus-Resumable"] == "1.0.0"
    assert "Upload-Expires" in first.headers
    second = video.patch(video.creator, upload_id, 4, b"456")
    assert second.status_code == 204 and second.headers["Upload-Offset"] == "7"
    assert video.head(video.creator, upload_id).headers["Upload-Offset"] == "7"
    assert (video.uploads_dir / upload_id).read_bytes() == b"0123456"


def test_patch_refusals(video):
    c = video.creator
    upload_id = video.created_id(c, 10)
    assert video.patch(c, upload_id, 0, b"abc").status_code == 204
    wrong = video.patch(c, upload_id, 1, b"x")
    assert wrong.status_code == 409 and wrong.headers["Upload-Offset"] == "3", wrong.text
    assert video.patch(c, upload_id, 5, b"x").status_code == 409
    bad_type = video.patch(c, upload_id, 3, b"x", headers={"Content-Type": "application/octet-stream"})
    assert bad_type.status_code == 415, bad_type.text
    assert video.patch(c, upload_id, 3, b"x", headers={"Content-Type": None}).status_code == 415
    no_version = video.patch(c, upload_id, 3, b"x", headers={"Tus-Resumable": None})
    assert no_version.status_code == 412 and no_version.headers["Tus-Version"] == "1.0.0"
    assert video.patch(c, upload_id, 3, b"x", headers={"Upload-Offset": None}).status_code == 400
    assert video.patch(c, upload_id, 3, b"x", headers={"Upload-Offset": "-3"}).status_code == 400
    too_long = video.patch(c, upload_id, 3, b"x" * 8)
    assert too_long.status_code == 413, too_long.text
    assert (video.uploads_dir / upload_id).read_bytes() == b"abc"
    assert video.head(c, upload_id).headers["Upload-Offset"] == "3"


def test_chunked_body_past_the_length_is_refused_whole(video):
    upload_id = video.created_id(video.creator, 10)
    assert video.patch(video.creator, upload_id, 0, b"abcd").status_code == 204
    sock = video.open_patch(video.creator, upload_id, 4, 0, chunked=True)
    body = b"x" * 20
    sock.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
    response = raw_response(sock)
    assert response.status == 413, response.body
    assert response.headers["upload-offset"] == "4"
    assert video.head(video.creator, upload_id).headers["Upload-Offset"] == "4"
    assert (video.uploads_dir / upload_id).read_bytes() == b"abcd"


def test_a_second_patch_while_one_runs_is_423(video):
    upload_id = video.created_id(video.creator, 100)
    first = video.open_patch(video.creator, upload_id, 0, 50)
    try:
        first.sendall(b"a" * 10)
        deadline = time.monotonic() + 10
        while (video.uploads_dir / upload_id).stat().st_size < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        second = video.patch(video.creator, upload_id, 0, b"b" * 10)
        assert second.status_code == 423, second.text
        assert video.delete_upload(video.creator, upload_id).status_code == 423
        first.sendall(b"a" * 40)
        response = raw_response(first)
        assert response.status == 204 and response.headers["upload-offset"] == "50"
    finally:
        first.close()
    assert video.patch(video.creator, upload_id, 50, b"c" * 10).headers["Upload-Offset"] == "60"


def test_an_interrupted_patch_keeps_the_bytes_that_arrived(video):
    upload_id = video.created_id(video.creator, 1 << 20)
    sock = video.open_patch(video.creator, upload_id, 0, 1 << 20)
    sock.sendall(b"z" * 300_000)
    time.sleep(0.3)
    sock.close()  # the client goes away mid-body

    def settled():
        head = video.head(video.creator, upload_id)
        return head.status_code == 200 and int(head.headers["Upload-Offset"]) == 300_000 and head
    from reeltest.host import wait_until
    wait_until(settled, timeout=10, what="the offset of the interrupted PATCH")  # every byte that arrived
    assert (video.uploads_dir / upload_id).stat().st_size == 300_000
    # The aborted PATCH lets go of the upload once its bytes are synced (off
    # the I/O thread): until then a new PATCH is told 423, which clients retry.
    def resume():
        response = video.patch(video.creator, upload_id, 300_000, b"z" * 1000)
        return None if response.status_code == 423 else response
    resumed = wait_until(resume, timeout=10, interval=0.1, what="the interrupted PATCH to let go of the upload")
    assert resumed.status_code == 204 and resumed.headers["Upload-Offset"] == "301000"
    assert (video.uploads_dir / upload_id).read_bytes() == b"z" * 301_000


def test_termination_removes_bytes_and_row(video):
    upload_id = video.created_id(video.creator, 10)
    assert video.patch(video.creator, upload_id, 0, b"12345").status_code == 204
    response = video.delete_upload(video.creator, upload_id)
    assert response.status_code == 204, response.text
    assert video.upload_files(upload_id) == []
    assert video.psql(f"SELECT count(*) FROM video.uploads WHERE id = '{upload_id}'") == "0"
    assert video.head(video.creator, upload_id).status_code == 404
    assert video.patch(video.creator, upload_id, 5, b"x").status_code == 404


def test_expired_uploads_answer_410_and_are_swept(reel_env, tmp_path):
    from reeltest.video import make_video_api
    with new_database(reel_env, tmp_path) as (starter, url):
        api = make_video_api(starter, reel_env, url, env={"REEL_UPLOAD_EXPIRY_SECONDS": "2",
                                                          "REEL_UPLOAD_SWEEP_SECONDS": "3600"})
        upload_id = api.created_id(api.creator, 10)
        assert api.patch(api.creator, upload_id, 0, b"abc").status_code == 204
        time.sleep(2.2)
        assert api.head(api.creator, upload_id).status_code == 410
        assert api.patch(api.creator, upload_id, 3, b"d").status_code == 410
        assert api.upload_files(upload_id)  # still there until the sweeper runs
        api.host.restart()  # the sweeper runs once at start
        api.auth.sign_in(api.creator)
        from reeltest.host import wait_until
        wait_until(lambda: api.upload_files(upload_id) == [], timeout=10, what="the sweeper")
        wait_until(lambda: api.psql(f"SELECT count(*) FROM video.uploads WHERE id = '{upload_id}'") == "0",
                   timeout=10, what="the sweeper to drop the row")
        assert api.head(api.creator, upload_id).status_code == 404
