"""Revocation at once (issue #19): disabling, demoting, promoting a user or
changing their password voids the access tokens they already hold, on this
host and on every host sharing the database."""
from __future__ import annotations

from reeltest.auth import PASSWORD, Account, unique_email
from reeltest.host import wait_until
from reeltest.video import b64

CLIP = f"filename {b64('clip.mp4')}"

REVOKED = "the access token was revoked; please sign in again"


def error_message(response) -> str:
    return response.json()["error"]["message"]


def admin_account(platform) -> Account:
    """A second admin (signed in again after the promotion)."""
    deputy = platform.account("admin")
    assert deputy.user["role"] == "admin"
    return deputy


def test_a_demoted_admin_can_no_longer_list_jobs_or_edit_others_videos(platform):
    deputy = admin_account(platform)
    private = platform.insert_video(platform.creator, title="secret", visibility="private")
    assert platform.host.get("/api/v1/transcoder/jobs", headers=deputy.bearer).status_code == 200
    assert platform.edit(deputy, private, title="seen by an admin").status_code == 200

    demoted = platform.auth.set_role(platform.admin, deputy.id, "viewer")
    assert demoted.status_code == 200, demoted.text
    jobs = platform.host.get("/api/v1/transcoder/jobs", headers=deputy.bearer)
    assert jobs.status_code == 401, jobs.text
    assert error_message(jobs) == REVOKED
    edit = platform.edit(deputy, private, title="edited by an ex-admin")
    assert edit.status_code == 401, edit.text
    assert platform.get_video(private, platform.creator).json()["title"] == "seen by an admin"
    # Signed in again, the token carries the new role.
    platform.auth.sign_in(deputy)
    assert platform.host.get("/api/v1/transcoder/jobs", headers=deputy.bearer).status_code == 403


def test_a_disabled_creator_can_no_longer_upload(platform):
    creator = platform.account("creator")
    assert platform.create(creator, 1000, metadata=CLIP).status_code == 201
    assert platform.auth.set_disabled(platform.admin, creator.id, True).status_code == 200
    refused = platform.create(creator, 1000, metadata=CLIP)
    assert refused.status_code == 401, refused.text
    assert platform.auth.me(creator).status_code == 401


def test_a_promotion_voids_the_old_token_and_a_token_issued_right_after_works(platform):
    viewer = platform.auth.account(unique_email("promoted"))
    old = viewer.access
    assert platform.auth.set_role(platform.admin, viewer.id, "creator").status_code == 200
    assert platform.auth.me(old).status_code == 401
    # Issued within the same second as the cut-off, but after it.
    platform.auth.sign_in(viewer)
    response = platform.auth.me(viewer)
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "creator"
    assert platform.create(viewer, 1000, metadata=CLIP).status_code == 201


def test_setting_the_same_role_voids_nothing(platform):
    creator = platform.account("creator")
    assert platform.auth.set_role(platform.admin, creator.id, "creator").status_code == 200
    assert platform.auth.me(creator).status_code == 200


def test_a_password_change_voids_access_tokens_of_every_session(platform):
    account = platform.auth.account(unique_email("changer"))
    other = platform.auth.sign_in(Account(account.email, PASSWORD, account.user))
    changed = platform.host.post("/api/v1/users/me/password", headers=account.bearer,
                                 json={"currentPassword": PASSWORD, "newPassword": "a brand new one"})
    assert changed.status_code == 204, changed.text
    assert platform.auth.me(other).status_code == 401
    assert platform.auth.me(account).status_code == 401
    fresh = platform.auth.login(account.email, "a brand new one")
    assert fresh.status_code == 200
    assert platform.auth.me(fresh.json()["accessToken"]).status_code == 200


def test_a_second_host_on_the_same_database_refuses_at_once(platform):
    second = platform.starter(plugins=("auth",), database_url=platform.database_url)
    creator = platform.account("creator")
    headers = creator.bearer
    wait_until(lambda: second.get("/api/v1/users/me", headers=headers).status_code == 200,
               what="the second host to verify the token")
    assert platform.auth.set_disabled(platform.admin, creator.id, True).status_code == 200
    # Told through PostgreSQL (LISTEN/NOTIFY) by its own auth plugin.
    wait_until(lambda: second.get("/api/v1/users/me", headers=headers).status_code == 401, timeout=10,
               what="the second host to refuse the revoked token")
    assert error_message(second.get("/api/v1/users/me", headers=headers)) == REVOKED


def test_a_host_started_after_the_revocation_refuses_the_token(platform):
    viewer = platform.auth.account(unique_email("late"))
    assert platform.auth.set_disabled(platform.admin, viewer.id, True).status_code == 200
    late = platform.starter(plugins=("auth",), database_url=platform.database_url)

    def refused_as_revoked():
        response = late.get("/api/v1/users/me", headers=viewer.bearer)
        return response.status_code == 401 and error_message(response) == REVOKED

    # (Before the keys are loaded it is refused as signed with an unknown key.)
    wait_until(refused_as_revoked, timeout=10, what="the late host to refuse the revoked token")
