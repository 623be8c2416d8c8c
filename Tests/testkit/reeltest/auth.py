"""A small client for the auth plugin's JSON API, for the live tests."""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "correct horse battery"
# Short lockouts, so the throttling tests can wait one out.
FAST_LOCKOUT = {"REEL_AUTH_LOCKOUT_MAX_SECONDS": "2"}


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_parts(token: str) -> tuple[dict, dict]:
    """(header, claims) of a compact JWS, unverified."""
    header, payload, _signature = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload))


def ed25519_verifies(token: str, public_key: bytes) -> bool | None:
    """Checks a JWT's Ed25519 signature with the openssl CLI (None if there is no openssl)."""
    if shutil.which("openssl") is None:
        return None
    header, payload, signature = token.split(".")
    # SubjectPublicKeyInfo for Ed25519 (RFC 8410): a fixed prefix and the raw key.
    spki = bytes.fromhex("302a300506032b6570032100") + public_key
    with tempfile.TemporaryDirectory() as work:
        key, message, sig = Path(work, "key.der"), Path(work, "message"), Path(work, "sig")
        key.write_bytes(spki)
        message.write_bytes(f"{header}.{payload}".encode())
        sig.write_bytes(b64url_decode(signature))
        result = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(key), "-keyform", "DER",
                                 "-rawin", "-in", str(message), "-sigfile", str(sig)], capture_output=True, text=True)
        return result.returncode == 0


@dataclass
class Account:
    email: str
    password: str
    user: dict
    access: str = ""
    refresh: str = ""

    @property
    def id(self) -> str:
        return self.user["id"]

    @property
    def bearer(self) -> dict:
        return {"Authorization": f"Bearer {self.access}"}


class AuthAPI:
    """The auth routes of one host, plus psql on its database."""

    def __init__(self, host, reel_env, database_url: str):
        self.host = host
        self.reel_env = reel_env
        self.database_url = database_url

    def psql(self, sql: str) -> str:
        return self.reel_env.psql(sql, url=self.database_url)

    def register(self, email: str | None = None, password: str = PASSWORD, display_name: str = "Test User"):
        body = {"email": email or unique_email(), "password": password, "displayName": display_name}
        return self.host.post("/api/v1/auth/register", json=body)

    def login(self, email: str, password: str = PASSWORD):
        return self.host.post("/api/v1/auth/login", json={"email": email, "password": password})

    def refresh(self, token: str):
        return self.host.post("/api/v1/auth/refresh", json={"refreshToken": token})

    def logout(self, token: str):
        return self.host.post("/api/v1/auth/logout", json={"refreshToken": token})

    def me(self, account_or_token):
        token = account_or_token.access if isinstance(account_or_token, Account) else account_or_token
        return self.host.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})

    def account(self, email: str | None = None, password: str = PASSWORD, display_name: str = "Test User") -> Account:
        """Registers and signs in a new account."""
        email = email or unique_email()
        registered = self.register(email, password, display_name)
        assert registered.status_code == 201, registered.text
        account = Account(email=email.strip().lower(), password=password, user=registered.json()["user"])
        return self.sign_in(account)

    def sign_in(self, account: Account) -> Account:
        response = self.login(account.email, account.password)
        assert response.status_code == 200, response.text
        pair = response.json()
        account.access, account.refresh, account.user = pair["accessToken"], pair["refreshToken"], pair["user"]
        return account

    def set_role(self, admin: Account, user_id: str, role: str):
        return self.host.request("PATCH", f"/api/v1/users/{user_id}/role", json={"role": role}, headers=admin.bearer)

    def set_disabled(self, admin: Account, user_id: str, disabled: bool):
        return self.host.request("PATCH", f"/api/v1/users/{user_id}/disabled", json={"disabled": disabled},
                                 headers=admin.bearer)
