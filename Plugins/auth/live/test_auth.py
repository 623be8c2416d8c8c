"""The auth plugin (Swift) against a real host and PostgreSQL: accounts,
argon2id passwords, rotating refresh tokens, login throttling, and the routes
the host's JWT guard protects with the plugin's EdDSA access tokens."""
import concurrent.futures
import hashlib
import re
import time

import pytest

from reeltest.auth import PASSWORD, Account, AuthAPI, ed25519_verifies, jwt_parts, unique_email
from reeltest.host import install_file, msg, wait_until

AUTH = "reel.auth.v1.AuthService"
def error_of(response) -> tuple[str, str]:
    error = response.json()["error"]
    return error["code"], error["message"]


# ---------------------------------------------------------------------------
# Registration


def test_first_account_is_admin_and_later_ones_are_viewers(fresh):
    api = fresh()
    first = api.register(unique_email("first"))
    assert first.status_code == 201, first.text
    assert first.json()["user"]["role"] == "admin"
    for _ in range(2):
        later = api.register()
        assert later.status_code == 201, later.text
        assert later.json()["user"]["role"] == "viewer"
    ready = api.host.wait_for_log(lambda e: e.get("logger") == "reel.plugin.auth" and "ready" in msg(e))
    assert "migrations applied: [1, 2]" in msg(ready) and "created" in msg(ready), msg(ready)


def test_first_account_is_race_safe(fresh):
    api = fresh()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda i: api.register(unique_email(f"race{i}")), range(8)))
    assert [r.status_code for r in responses] == [201] * 8, [r.text for r in responses]
    roles = sorted(r.json()["user"]["role"] for r in responses)
    assert roles == ["admin"] + ["viewer"] * 7
    assert api.psql("SELECT count(*) FROM auth.users WHERE role = 'admin'") == "1"


def test_register_answers_the_user(auth):
    email = unique_email("Mixed.Case")
    response = auth.register("  " + email.upper() + " ", display_name="  Ada Lovelace ")
    assert response.status_code == 201, response.text
    user = response.json()["user"]
    assert set(user) >= {"id", "email", "displayName", "role", "createdAt"}
    assert user["email"] == email.lower()
    assert user["displayName"] == "Ada Lovelace"
    assert user["role"] == "viewer"
    assert user.get("disabled", False) is False
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", user["id"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", user["createdAt"])


def test_taken_email_is_409_in_any_letter_case(auth):
    email = unique_email("taken")
    assert auth.register(email).status_code == 201
    for variant in (email, email.upper(), f" {email.capitalize()} "):
        again = auth.register(variant, password="another password")
        assert again.status_code == 409, again.text
        assert error_of(again)[0] == "already_exists"
    assert auth.psql(f"SELECT count(*) FROM auth.users WHERE email = '{email}'") == "1"


def test_passwords_are_stored_as_argon2id(auth):
    email = unique_email("hash")
    assert auth.register(email).status_code == 201
    stored = auth.psql(f"SELECT password_hash FROM auth.users WHERE email = '{email}'")
    assert stored.startswith("$argon2id$v=19$m="), stored
    assert PASSWORD not in stored
    # A second account with the same password gets another salt.
    other = unique_email("hash")
    assert auth.register(other).status_code == 201
    assert auth.psql(f"SELECT password_hash FROM auth.users WHERE email = '{other}'") != stored


@pytest.mark.parametrize("body, message", [
    ({"email": "not-an-email", "password": PASSWORD, "displayName": "X"}, "email must look like name@example.com"),
    ({"email": "a@b", "password": PASSWORD, "displayName": "X"}, "email must look like name@example.com"),
    ({"password": PASSWORD, "displayName": "X"}, "email must look like name@example.com"),
    ({"email": "EMAIL", "password": PASSWORD, "displayName": ""}, "displayName must be 1 to 80 characters"),
    ({"email": "EMAIL", "password": PASSWORD, "displayName": "   "}, "displayName must be 1 to 80 characters"),
    ({"email": "EMAIL", "password": PASSWORD, "displayName": "x" * 81}, "displayName must be 1 to 80 characters"),
    ({"email": "EMAIL", "password": "123456789", "displayName": "X"}, "password must be at least 10 characters"),
    ({"email": "EMAIL", "password": "x" * 257, "displayName": "X"}, "password must be at most 256 characters"),
    ({"email": "EMAIL", "password": "EMAIL-UPPER", "displayName": "X"},
     "password must not be your email address or its name part"),
    ({"email": "EMAIL", "password": "LOCAL-PART", "displayName": "X"},
     "password must not be your email address or its name part"),
])
def test_register_validation(auth, body, message):
    email = unique_email("rules")
    body = dict(body)
    if body.get("email") == "EMAIL":
        body["email"] = email
    if body.get("password") == "EMAIL-UPPER":
        body["password"] = email.upper()
    if body.get("password") == "LOCAL-PART":
        body["password"] = email.split("@")[0].title()
    response = auth.host.post("/api/v1/auth/register", json=body)
    assert response.status_code == 400, response.text
    assert error_of(response) == ("invalid_argument", message)
    assert auth.psql(f"SELECT count(*) FROM auth.users WHERE email = '{email}'") == "0"


def test_password_limits_are_inclusive(auth):
    assert auth.register(password="x" * 10).status_code == 201
    assert auth.register(password="é" * 256).status_code == 201  # characters, not bytes


# ---------------------------------------------------------------------------
# Login and tokens


def test_login_answers_a_token_pair(auth):
    account = auth.account(unique_email("pair"))
    response = auth.login(account.email.upper())  # emails are case-insensitive
    assert response.status_code == 200, response.text
    pair = response.json()
    assert pair["tokenType"] == "Bearer"
    assert pair["expiresIn"] == 900
    assert pair["user"]["email"] == account.email
    assert pair["user"]["id"] == account.id
    assert len(pair["refreshToken"]) == 43  # 32 random bytes, base64url

    header, claims = jwt_parts(pair["accessToken"])
    assert header["alg"] == "EdDSA"
    kid = auth.psql("SELECT kid FROM auth.signing_keys WHERE retired_at IS NULL")
    assert header["kid"] == kid
    assert claims["sub"] == account.id
    assert claims["role"] == "viewer"
    assert claims["iss"] == "reel" and claims["aud"] in ("reel", ["reel"])
    assert claims["exp"] - claims["iat"] == 900
    assert claims["nbf"] <= time.time() + 5 and claims["jti"]

    public_key = bytes.fromhex(auth.psql(f"SELECT encode(public_key, 'hex') FROM auth.signing_keys WHERE kid = '{kid}'"))
    assert len(public_key) == 32
    verified = ed25519_verifies(pair["accessToken"], public_key)
    assert verified in (True, None)  # None: no openssl CLI to check with
    if verified is not None:
        forged = pair["accessToken"][:-4] + ("AAAA" if not pair["accessToken"].endswith("AAAA") else "BBBB")
        assert ed25519_verifies(forged, public_key) is False


def test_wrong_password_and_unknown_email_are_the_same_error(auth):
    account = auth.account(unique_email("wrong"))
    wrong = auth.login(account.email, "not the password")
    unknown = auth.login(unique_email("nobody"), PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert error_of(wrong) == error_of(unknown) == ("unauthenticated", "email or password is incorrect")
    auth.sign_in(account)  # a success clears this address's failures for the next tests


def test_login_needs_both_fields(auth):
    response = auth.host.post("/api/v1/auth/login", json={"email": unique_email()})
    assert response.status_code == 400
    assert error_of(response)[0] == "invalid_argument"


def test_login_over_the_binary_protocol_path(auth):
    """The same handler answers POST /rpc/<service>/<method> (Connect, JSON body)."""
    account = auth.account(unique_email("rpc"))
    response = auth.host.post(f"/rpc/{AUTH}/Login", json={"email": account.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["user"]["id"] == account.id


def test_internal_methods_are_not_reachable_from_outside(auth):
    for method in ("GetSigningKeys", "GetUser"):
        response = auth.host.post(f"/rpc/{AUTH}/{method}", json={})
        assert response.status_code == 404, response.text


# ---------------------------------------------------------------------------
# Refresh tokens: rotation, reuse detection, logout


def test_refresh_rotates_the_token(auth):
    account = auth.account(unique_email("rotate"))
    first = account.refresh
    response = auth.refresh(first)
    assert response.status_code == 200, response.text
    pair = response.json()
    assert pair["refreshToken"] != first
    assert pair["user"]["id"] == account.id
    assert jwt_parts(pair["accessToken"])[1]["sub"] == account.id
    # The next one works too; the family grows by one token per use.
    assert auth.refresh(pair["refreshToken"]).status_code == 200
    families = auth.psql(f"SELECT count(DISTINCT family_id) || '/' || count(*) FROM auth.refresh_tokens "
                         f"WHERE user_id = '{account.id}'")
    assert families == "1/3"


def test_refresh_tokens_are_stored_only_as_hashes(auth):
    account = auth.account(unique_email("stored"))
    digest = hashlib.sha256(account.refresh.encode()).hexdigest()
    assert auth.psql(f"SELECT count(*) FROM auth.refresh_tokens WHERE token_hash = '\\x{digest}'::bytea") == "1"
    dump = auth.psql(f"SELECT t::text FROM auth.refresh_tokens t WHERE user_id = '{account.id}'")
    assert account.refresh not in dump


def test_reusing_a_spent_token_revokes_the_whole_family(auth):
    account = auth.account(unique_email("reuse"))
    spent = account.refresh
    current = auth.refresh(spent).json()["refreshToken"]

    reused = auth.refresh(spent)
    assert reused.status_code == 401
    assert error_of(reused) == ("unauthenticated", "refresh token reuse detected; please sign in again")
    # The legitimate holder's newest token died with the family.
    after = auth.refresh(current)
    assert after.status_code == 401, after.text
    assert auth.psql(f"SELECT count(*) FROM auth.refresh_tokens WHERE user_id = '{account.id}' "
                     f"AND revoked_at IS NULL") == "0"
    # Other sign-ins (other families) are untouched.
    other = auth.sign_in(Account(account.email, PASSWORD, account.user))
    assert auth.refresh(other.refresh).status_code == 200


def test_concurrent_use_of_one_token_rotates_once(auth):
    account = auth.account(unique_email("race"))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(lambda _: auth.refresh(account.refresh), range(4)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 401, 401, 401], [r.text for r in responses]


def test_expired_and_unknown_refresh_tokens(auth):
    account = auth.account(unique_email("expired"))
    digest = hashlib.sha256(account.refresh.encode()).hexdigest()
    auth.psql(f"UPDATE auth.refresh_tokens SET expires_at = now() - interval '1 second' "
              f"WHERE token_hash = '\\x{digest}'::bytea")
    expired = auth.refresh(account.refresh)
    assert expired.status_code == 401
    assert "expired" in error_of(expired)[1]

    unknown = auth.refresh("A" * 43)
    assert unknown.status_code == 401
    assert error_of(unknown)[0] == "unauthenticated"
    assert auth.host.post("/api/v1/auth/refresh", json={}).status_code == 400


def test_logout_revokes_the_family_and_is_idempotent(auth):
    account = auth.account(unique_email("logout"))
    rotated = auth.refresh(account.refresh).json()["refreshToken"]
    response = auth.logout(rotated)
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert auth.refresh(rotated).status_code == 401
    assert auth.logout(rotated).status_code == 204         # again
    assert auth.logout("no-such-token").status_code == 204  # unknown
    assert auth.psql(f"SELECT count(*) FROM auth.refresh_tokens WHERE user_id = '{account.id}' "
                     f"AND revoked_at IS NULL") == "0"


def test_logout_with_a_malformed_body_is_400(auth):
    bad_json = auth.host.post("/api/v1/auth/logout", data=b'{"refreshToken":', headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400
    wrong_type = auth.host.post("/api/v1/auth/logout", json={"refreshToken": 12})
    assert wrong_type.status_code == 400
    missing = auth.host.post("/api/v1/auth/logout", json={})
    assert missing.status_code == 400


# ---------------------------------------------------------------------------
# Throttling (a host and database of their own: the per-address counter is
# shared by every test, which all come from 127.0.0.1)


def test_twenty_wrong_logins_are_throttled_then_the_right_password_works(fresh):
    api = fresh()
    account = api.account(unique_email("throttle"))
    statuses, messages = [], []
    for _ in range(20):
        response = api.login(account.email, "wrong password!")
        statuses.append(response.status_code)
        messages.append(error_of(response)[1])
    assert statuses[:5] == [401] * 5, statuses
    assert 429 in statuses, statuses
    locked = messages[statuses.index(429)]
    assert re.fullmatch(r"too many attempts; try again in \d+ s", locked), locked

    # While locked, even the right password is refused (and not checked).
    response = api.login(account.email)
    if response.status_code == 429:
        wait = int(re.search(r"in (\d+) s", error_of(response)[1]).group(1))
        assert wait <= 2  # REEL_AUTH_LOCKOUT_MAX_SECONDS
        time.sleep(wait + 0.5)
        response = api.login(account.email)
    assert response.status_code == 200, response.text
    # A success clears the account's counter only (issue #19: the address's
    # failures still count, so signing in between guesses does not reset them).
    assert api.psql("SELECT key FROM auth.login_throttle") == "address:127.0.0.1"


def test_throttling_counts_per_address_and_unknown_emails(fresh):
    api = fresh()
    account = api.account(unique_email("victim"))
    for i in range(5):  # five different unknown emails from one address
        assert api.login(unique_email(f"spray{i}"), "guess guess guess").status_code == 401
    blocked = api.login(account.email)
    assert blocked.status_code == 429, blocked.text
    assert api.psql("SELECT failures FROM auth.login_throttle WHERE key = 'address:127.0.0.1'") == "5"


def test_lockouts_survive_a_restart(fresh):
    api = fresh(env={"REEL_AUTH_LOCKOUT_BASE_SECONDS": "120", "REEL_AUTH_LOCKOUT_MAX_SECONDS": "120"})
    account = api.account(unique_email("restart"))
    for _ in range(5):
        api.login(account.email, "wrong password!")
    assert api.login(account.email).status_code == 429
    api.host.restart()
    response = api.login(account.email)
    assert response.status_code == 429, response.text
    assert int(re.search(r"in (\d+) s", error_of(response)[1]).group(1)) > 60


# ---------------------------------------------------------------------------
# Signed-in routes (the host's guard verifies the access token)


def test_me(auth):
    account = auth.account(unique_email("me"), display_name="Grace")
    response = auth.me(account)
    assert response.status_code == 200, response.text
    me = response.json()
    assert (me["id"], me["email"], me["displayName"], me["role"]) == (account.id, account.email, "Grace", "viewer")
    assert auth.host.get("/api/v1/users/me").status_code == 401
    assert auth.me("not.a.token").status_code == 401
    _, claims = jwt_parts(account.access)
    assert claims["sub"] == account.id


def test_change_password(auth):
    account = auth.account(unique_email("change"))
    other_session = auth.sign_in(Account(account.email, PASSWORD, account.user))
    url = "/api/v1/users/me/password"

    wrong = auth.host.post(url, json={"currentPassword": "not it at all", "newPassword": "a brand new one"},
                           headers=account.bearer)
    assert wrong.status_code == 403, wrong.text
    short = auth.host.post(url, json={"currentPassword": PASSWORD, "newPassword": "short"}, headers=account.bearer)
    assert short.status_code == 400
    assert error_of(short)[1] == "password must be at least 10 characters"
    same_as_email = auth.host.post(url, json={"currentPassword": PASSWORD, "newPassword": account.email.upper()},
                                   headers=account.bearer)
    assert same_as_email.status_code == 400

    changed = auth.host.post(url, json={"currentPassword": PASSWORD, "newPassword": "a brand new one"},
                             headers=account.bearer)
    assert changed.status_code == 204, changed.text
    assert auth.login(account.email, PASSWORD).status_code == 401
    assert auth.login(account.email, "a brand new one").status_code == 200
    # Every refresh token issued before the change is revoked.
    assert auth.refresh(account.refresh).status_code == 401
    assert auth.refresh(other_session.refresh).status_code == 401
    assert auth.host.post(url, json={"currentPassword": "x", "newPassword": "y" * 12}).status_code == 401


def test_viewers_get_403_on_admin_routes(auth):
    viewer = auth.account(unique_email("viewer"))
    assert auth.host.get("/api/v1/users", headers=viewer.bearer).status_code == 403
    assert auth.set_role(viewer, viewer.id, "admin").status_code == 403
    assert auth.set_disabled(viewer, auth.admin.id, True).status_code == 403
    assert auth.host.get("/api/v1/users").status_code == 401


def test_list_users_pages_through_everyone(auth):
    for _ in range(5):
        auth.register(unique_email("page"))
    expected = auth.psql("SELECT string_agg(id::text, ',' ORDER BY created_at, id) FROM auth.users").split(",")
    seen, cursor = [], ""
    while True:
        response = auth.host.get("/api/v1/users", params={"limit": 2, "cursor": cursor}, headers=auth.admin.bearer)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page.get("users", [])) <= 2
        seen += [u["id"] for u in page.get("users", [])]
        cursor = page.get("nextCursor", "")
        if not cursor:
            break
    assert seen == expected
    everyone = auth.host.get("/api/v1/users", headers=auth.admin.bearer).json()
    assert [u["id"] for u in everyone["users"]] == expected[:50]
    bad = auth.host.get("/api/v1/users", params={"cursor": "garbage!"}, headers=auth.admin.bearer)
    assert bad.status_code == 400
    assert auth.host.get("/api/v1/users", params={"limit": -1}, headers=auth.admin.bearer).status_code == 400


def test_set_role(auth):
    user = auth.account(unique_email("promote"))
    response = auth.set_role(auth.admin, user.id, "creator")
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "creator"
    # The next access token carries the new role.
    pair = auth.refresh(user.refresh).json()
    assert jwt_parts(pair["accessToken"])[1]["role"] == "creator"
    assert pair["user"]["role"] == "creator"

    unknown = auth.set_role(auth.admin, "00000000-0000-4000-8000-000000000000", "creator")
    assert unknown.status_code == 404
    assert auth.set_role(auth.admin, "not-a-uuid", "creator").status_code == 400
    assert auth.set_role(auth.admin, user.id, "owner").status_code == 400


def test_the_last_admin_cannot_step_down(fresh):
    api = fresh()
    admin = api.account(unique_email("boss"))
    assert admin.user["role"] == "admin"
    refused = api.set_role(admin, admin.id, "viewer")
    assert refused.status_code == 400, refused.text
    assert error_of(refused)[0] == "failed_precondition"
    assert api.set_disabled(admin, admin.id, True).json()["error"]["code"] == "failed_precondition"

    deputy = api.account(unique_email("deputy"))
    assert api.set_role(admin, deputy.id, "admin").status_code == 200
    stepped_down = api.set_role(admin, admin.id, "viewer")
    assert stepped_down.status_code == 200, stepped_down.text
    assert stepped_down.json()["role"] == "viewer"
    # Its access token still says admin, but a change of role voids the
    # user's earlier tokens at once (issue #19): the guard refuses them.
    assert jwt_parts(admin.access)[1]["role"] == "admin"
    demoted = api.host.get("/api/v1/users", headers=admin.bearer)
    assert demoted.status_code == 401, demoted.text
    assert api.host.get("/api/v1/users", headers=deputy.bearer).status_code == 401  # deputy's token predates the promotion
    assert api.host.get("/api/v1/users", headers=api.sign_in(admin).bearer).status_code == 403
    assert api.host.get("/api/v1/users", headers=api.sign_in(deputy).bearer).status_code == 200


def test_disabling_a_user_revokes_their_sessions(auth):
    user = auth.account(unique_email("disable"))
    response = auth.set_disabled(auth.admin, user.id, True)
    assert response.status_code == 200, response.text
    assert response.json()["disabled"] is True
    assert auth.refresh(user.refresh).status_code == 401
    change = auth.host.post("/api/v1/users/me/password", headers=user.bearer,
                            json={"currentPassword": PASSWORD, "newPassword": "a brand new one"})
    assert change.status_code == 401, change.text  # disabling voided the access token at once (issue #19)
    login = auth.login(user.email)
    assert login.status_code == 401
    assert error_of(login)[1] == "this account is disabled"
    wrong = auth.login(user.email, "not the password")
    assert error_of(wrong)[1] == "email or password is incorrect"  # no hint without the password

    assert auth.set_disabled(auth.admin, user.id, False).json().get("disabled", False) is False
    auth.sign_in(user)
    assert auth.set_disabled(auth.admin, "00000000-0000-4000-8000-000000000000", True).status_code == 404


# ---------------------------------------------------------------------------
# Keys: persisted, shared, and kept across a hot-swap and a restart


def test_hosts_starting_at_once_share_one_signing_key(reel_env, start_host, fresh_database):
    url = fresh_database
    hosts = [start_host(plugins=("auth",), database_url=url, start=False) for _ in range(2)]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda h: h.start(), hosts))
    assert reel_env.psql("SELECT count(*) FROM auth.signing_keys", url=url) == "1"
    api = [AuthAPI(h, reel_env, url) for h in hosts]
    account = api[0].account(unique_email("both"))
    assert api[1].me(account).status_code == 200  # a token from one host works on the other
    for host in hosts:
        host.stop()


def test_tokens_stay_valid_across_a_hot_swap_and_a_restart(fresh, tmp_path):
    api = fresh()
    account = api.account(unique_email("swap"))
    old = api.host.plugins()["auth"]

    # A byte-different copy of auth.so: same code, new hash, so a new generation.
    different = tmp_path / "auth.so"
    different.write_bytes((api.host.reel.plugins / "auth.so").read_bytes() + b"\0" * 16)
    install_file(different, api.host.plugins_dir / "auth.so")
    reload = api.host.post("/admin/plugins/reload")
    assert reload.status_code == 200, reload.text
    wait_until(lambda: api.host.plugins()["auth"]["generation"] > old["generation"], timeout=30,
               what="a new auth generation")
    ready = api.host.find_logs(lambda e: e.get("logger") == "reel.plugin.auth" and "ready" in msg(e))
    assert "created" not in msg(ready[-1]), msg(ready[-1])  # the new generation reused the key

    me = api.me(account)
    assert me.status_code == 200, me.text
    assert me.headers["Reel-Plugin"].endswith(f"#{api.host.plugins()['auth']['generation']}")
    rotated = api.refresh(account.refresh)
    assert rotated.status_code == 200, rotated.text

    api.host.restart()
    assert api.me(account).status_code == 200
    assert api.refresh(rotated.json()["refreshToken"]).status_code == 200
