"""Smaller auth and HTTP findings of issue #19: registration rate limit, what
a refresh says after a session ended, safety headers, request ids, and
other authorization schemes on public routes."""
from __future__ import annotations

from reeltest.auth import PASSWORD, unique_email


def error_of(response) -> tuple[str, str]:
    error = response.json()["error"]
    return error["code"], error["message"]


# -- registration


def test_registration_is_rate_limited_per_address(fresh):
    api = fresh(env={"REEL_AUTH_REGISTER_LIMIT": "3", "REEL_AUTH_REGISTER_WINDOW_SECONDS": "600"})
    statuses = [api.register(unique_email("burst")).status_code for _ in range(3)]
    assert statuses == [201, 201, 201]
    refused = api.register(unique_email("burst"))
    assert refused.status_code == 429, refused.text
    code, message = error_of(refused)
    assert code == "resource_exhausted"
    assert message.startswith("too many registrations from this address"), message
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    # Refused attempts count too (they would probe which emails exist).
    assert api.register("not an email").status_code == 429


# -- refresh after the session ended


def test_refresh_after_logout_says_the_session_ended(fresh):
    api = fresh()
    account = api.account(unique_email("out"))
    assert api.logout(account.refresh).status_code == 204
    response = api.refresh(account.refresh)
    assert response.status_code == 401
    assert error_of(response) == ("unauthenticated", "session ended (signed out); please sign in again")


def test_refresh_after_being_disabled_says_so(fresh):
    api = fresh()
    admin = api.account(unique_email("admin"))
    account = api.account(unique_email("gone"))
    assert api.set_disabled(admin, account.id, True).status_code == 200
    response = api.refresh(account.refresh)
    assert response.status_code == 401
    assert error_of(response) == ("unauthenticated", "this account is disabled")


def test_refresh_after_a_password_change_says_so(fresh):
    api = fresh()
    account = api.account(unique_email("moved"))
    changed = api.host.post("/api/v1/users/me/password", headers=account.bearer,
                            json={"currentPassword": PASSWORD, "newPassword": "a brand new one"})
    assert changed.status_code == 204
    response = api.refresh(account.refresh)
    assert error_of(response) == ("unauthenticated", "session ended (the password was changed); please sign in again")


def test_real_reuse_is_still_called_reuse(fresh):
    api = fresh()
    account = api.account(unique_email("reuse"))
    assert api.refresh(account.refresh).status_code == 200
    response = api.refresh(account.refresh)
    assert error_of(response) == ("unauthenticated", "refresh token reuse detected; please sign in again")


# -- headers


def test_token_responses_are_not_stored_and_json_is_not_sniffed(fresh):
    api = fresh()
    email = unique_email("headers")
    assert api.register(email).status_code == 201
    login = api.login(email)
    assert login.status_code == 200
    refresh = api.refresh(login.json()["refreshToken"])
    for response in (login, refresh):
        assert response.headers["Cache-Control"] == "no-store", response.headers
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    error = api.login(email, "wrong password!")
    assert error.status_code == 401
    assert error.headers["X-Content-Type-Options"] == "nosniff"
    assert error.headers["Cache-Control"] == "no-store"


def test_a_login_lockout_says_when_to_retry(fresh):
    api = fresh(env={"REEL_AUTH_LOCKOUT_BASE_SECONDS": "60", "REEL_AUTH_LOCKOUT_MAX_SECONDS": "60"})
    email = unique_email("locked")
    assert api.register(email).status_code == 201
    for _ in range(5):
        api.login(email, "wrong password!")
    locked = api.login(email)
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 60


def test_request_ids_are_accepted_only_when_short_and_plain(fresh):
    api = fresh()
    plain = api.host.get("/healthz", headers={"X-Request-Id": "client-id_1.2"})
    assert plain.headers["X-Request-Id"] == "client-id_1.2"
    for bad in ["x" * 65, "a b", "<script>", "id;drop", "ümlaut"]:
        response = api.host.get("/healthz", headers={"X-Request-Id": bad.encode("utf-8")})
        echoed = response.headers["X-Request-Id"]
        assert echoed != bad and len(echoed) == 32 and all(c in "0123456789abcdef" for c in echoed), (bad, echoed)


def test_basic_credentials_are_ignored_on_public_routes(platform):
    basic = {"Authorization": "Basic dXNlcjpwYXNz"}  # a site behind a password-protecting proxy
    response = platform.host.get("/api/v1/videos", headers=basic)
    assert response.status_code == 200, response.text
    assert platform.host.post("/api/v1/auth/login", headers=basic,
                              json={"email": platform.viewer.email, "password": PASSWORD}).status_code == 200
    # Routes that need a user still answer 401.
    me = platform.host.get("/api/v1/users/me", headers=basic)
    assert me.status_code == 401
    assert error_of(me)[0] == "unauthenticated"
    assert platform.host.get("/api/v1/users/me", headers={"Authorization": "Bearer"}).status_code == 401
