"""The host's auth guard against forged and broken access tokens, and the
whole sign-in life cycle as a client lives it. The guard verifies tokens
itself (EdDSA, the auth plugin's keys); these tests forge tokens with the
real signing key read from the database, with other keys, and with none."""
import base64
import json
import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from reeltest.auth import PASSWORD, jwt_parts, unique_email


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(header: dict, claims: dict, sign) -> str:
    head = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    return head + "." + b64url(sign(head.encode()))


@pytest.fixture(scope="module")
def real_key(auth):
    """(kid, private key) of the auth plugin's current signing key."""
    row = auth.psql("SELECT kid || ' ' || encode(private_key, 'hex') FROM auth.signing_keys WHERE retired_at IS NULL")
    kid, hex_key = row.split()
    return kid, Ed25519PrivateKey.from_private_bytes(bytes.fromhex(hex_key))


@pytest.fixture(scope="module")
def viewer(auth):
    return auth.account(unique_email("viewer"), display_name="A Viewer")


def claims_for(account, **overrides) -> dict:
    now = int(time.time())
    claims = {"sub": account.id, "role": account.user["role"], "iss": "reel", "aud": "reel",
              "iat": now, "nbf": now - 5, "exp": now + 600, "jti": uuid.uuid4().hex}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def me_status(auth, token: str) -> int:
    response = auth.me(token)
    if response.status_code == 401:
        error = response.json()["error"]
        assert error["code"] == "unauthenticated" and error["message"], response.text
        assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")
    return response.status_code


def test_a_token_forged_with_the_real_key_is_accepted(auth, real_key, viewer):
    """The control: the forging below is right, so a refusal means the guard refused."""
    kid, key = real_key
    token = compact({"alg": "EdDSA", "typ": "JWT", "kid": kid}, claims_for(viewer), key.sign)
    assert me_status(auth, token) == 200
    assert me_status(auth, viewer.access) == 200


@pytest.mark.parametrize("case", ["expired", "not_yet_valid", "wrong_audience", "wrong_issuer", "unknown_role",
                                  "no_expiry"])
def test_bad_claims_are_refused(auth, real_key, viewer, case):
    kid, key = real_key
    now = int(time.time())
    overrides = {
        "expired": {"exp": now - 60, "iat": now - 1000, "nbf": now - 1000},
        "not_yet_valid": {"nbf": now + 600},
        "wrong_audience": {"aud": "someone-else"},
        "wrong_issuer": {"iss": "evil"},
        "unknown_role": {"role": "superuser"},
        "no_expiry": {"exp": None},
    }[case]
    token = compact({"alg": "EdDSA", "typ": "JWT", "kid": kid}, claims_for(viewer, **overrides), key.sign)
    assert me_status(auth, token) == 401


def test_alg_none_is_refused(auth, real_key, viewer):
    kid, _ = real_key
    token = compact({"alg": "none", "typ": "JWT", "kid": kid}, claims_for(viewer), lambda _: b"")
    assert me_status(auth, token) == 401
    assert me_status(auth, token.rsplit(".", 1)[0] + ".") == 401


def test_a_token_signed_with_another_key_is_refused(auth, real_key, viewer):
    kid, _ = real_key
    other = Ed25519PrivateKey.generate()
    assert me_status(auth, compact({"alg": "EdDSA", "kid": kid}, claims_for(viewer), other.sign)) == 401
    assert me_status(auth, compact({"alg": "EdDSA", "kid": "made-up"}, claims_for(viewer), other.sign)) == 401


def test_hmac_with_the_public_key_as_secret_is_refused(auth, real_key, viewer):
    """The classic algorithm-confusion attack."""
    import hashlib
    import hmac
    kid, key = real_key
    from cryptography.hazmat.primitives import serialization
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    token = compact({"alg": "HS256", "kid": kid}, claims_for(viewer),
                    lambda m: hmac.new(public, m, hashlib.sha256).digest())
    assert me_status(auth, token) == 401


def test_a_tampered_token_is_refused(auth, viewer):
    header, payload, signature = viewer.access.split(".")
    claims = jwt_parts(viewer.access)[1]
    claims["role"] = "admin"
    forged = header + "." + b64url(json.dumps(claims).encode()) + "." + signature
    assert me_status(auth, forged) == 401
    assert auth.set_role(type(viewer)(viewer.email, "", viewer.user, access=forged), viewer.id, "admin").status_code == 401


@pytest.mark.parametrize("value", ["Bearer", "Bearer ", "Bearer abc", "Bearer a.b", "Bearer a.b.c.d",
                                   "Bearer !!!.???.###", "Basic dXNlcjpwYXNz", "bearer"])
def test_malformed_credentials_are_refused(auth, value):
    response = auth.host.get("/api/v1/users/me", headers={"Authorization": value})
    assert response.status_code == 401, value
    assert response.json()["error"]["code"] == "unauthenticated"


def test_no_token_on_a_protected_route_is_401_and_a_viewer_on_an_admin_route_is_403(auth, viewer):
    assert auth.host.get("/api/v1/users/me").status_code == 401
    response = auth.set_role(viewer, viewer.id, "admin")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert auth.host.get("/api/v1/users", headers=viewer.bearer).status_code == 403


def test_the_binary_protocol_uses_the_same_guard(auth, viewer, protos):
    request = protos.message("reel.auth.v1.MeRequest")()
    url = "/rpc/reel.auth.v1.AuthService/Me"
    headers = {"Content-Type": "application/proto"}
    anonymous = auth.host.post(url, data=request.SerializeToString(), headers=headers)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"
    signed_in = auth.host.post(url, data=request.SerializeToString(), headers={**headers, **viewer.bearer})
    assert signed_in.status_code == 200
    user = protos.message("reel.auth.v1.User")()
    user.ParseFromString(signed_in.content)
    assert user.id == viewer.id and user.role == "viewer"


def test_the_whole_sign_in_life_cycle(auth):
    """Register -> login -> protected call -> refresh -> the old refresh token
    reused -> the whole family revoked -> logout, as a client lives it."""
    email = unique_email("cycle")
    assert auth.register(email, PASSWORD, "Cycle").status_code == 201
    login = auth.login(email)
    assert login.status_code == 200
    first = login.json()
    assert auth.me(first["accessToken"]).json()["email"] == email

    refreshed = auth.refresh(first["refreshToken"])
    assert refreshed.status_code == 200
    second = refreshed.json()
    assert second["refreshToken"] != first["refreshToken"]
    assert auth.me(second["accessToken"]).status_code == 200

    reused = auth.refresh(first["refreshToken"])
    assert reused.status_code == 401
    # Theft detection: the legitimate holder's newer token dies with the family.
    assert auth.refresh(second["refreshToken"]).status_code == 401

    again = auth.login(email).json()
    assert auth.logout(again["refreshToken"]).status_code == 204
    assert auth.refresh(again["refreshToken"]).status_code == 401
