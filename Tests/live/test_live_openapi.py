"""The OpenAPI 3.1 document of the JSON API (GET /api/openapi.json), built
from the routes the running host registered: openapi-spec-validator accepts
it, every documented operation is routed (no "no route" 404), errors follow
the documented error body, and schemathesis finds no 5xx and no response that
contradicts the schema on the public read routes of a live host."""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import jsonschema
import pytest
import requests
from openapi_spec_validator import validate

from reeltest.host import new_database

PLUGINS = ("auth", "video", "transcoder", "comment", "watchlist", "web")
ENV = {"REEL_TRANSCODER_PRESET": "ultrafast", "REEL_SAMPLE_VIDEO": ""}


@pytest.fixture(scope="module")
def host(reel_env, tmp_path_factory):
    with new_database(reel_env, tmp_path_factory.mktemp("openapi-host")) as (starter, url):
        yield starter(plugins=PLUGINS, database_url=url, env=ENV)


@pytest.fixture(scope="module")
def document(host) -> dict:
    response = host.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    return response.json()


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def test_the_document_is_valid_openapi_3_1_and_covers_every_plugin(document, host):
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema
    assert document["openapi"] == "3.1.0"
    tags = {tag for _, _, op in operations(document) for tag in op["tags"]}
    assert set(host.plugins()) <= tags and "host" in tags
    found = {(method, path) for path, method, _ in operations(document)}
    for expected in [("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/register"), ("GET", "/api/v1/users/me"),
                     ("GET", "/api/v1/videos"), ("GET", "/api/v1/videos/{id}"), ("POST", "/api/v1/uploads"),
                     ("GET", "/healthz"), ("GET", "/api/openapi.json")]:
        assert expected in found, expected
    # camelCase everywhere: no snake_case property or query parameter names (a path
    # parameter's name belongs to the plugin's route template, not to the JSON).
    for name, schema in document["components"]["schemas"].items():
        for prop in schema.get("properties", {}):
            assert "_" not in prop, (name, prop)
    for path, method, op in operations(document):
        for parameter in op.get("parameters", []):
            assert parameter["in"] == "path" or "_" not in parameter["name"], (method, path, parameter)
        # Auth requirements per route: public routes need nothing, the others a bearer token (401/403 documented).
        if op["security"]:
            assert op["security"] == [{"bearerAuth": []}] and {"401", "403"} <= set(op["responses"]), (method, path)


def test_every_documented_operation_is_routed(document, host):
    for path, method, op in operations(document):
        if method != "GET":
            continue  # GET only: no side effects (other methods reach the same router)
        url_path = path
        for parameter in op.get("parameters", []):
            if parameter["in"] == "path":
                url_path = url_path.replace("{" + parameter["name"] + "}", "00000000-0000-0000-0000-000000000000")
        response = host.get(url_path)
        if response.status_code == 404 and response.headers.get("Content-Type", "").startswith("application/json"):
            assert "no route" not in response.json()["error"]["message"], (method, path)
        assert response.status_code < 500, (method, path, response.status_code, response.text[:300])


def test_errors_have_the_documented_body(document, host):
    error_schema = document["components"]["schemas"]["Error"]
    for response in (host.get("/api/v1/no/such/route"), host.get("/api/v1/users/me"),
                     host.post("/api/v1/auth/login", data="{", headers={"Content-Type": "application/json"})):
        assert response.status_code in (400, 401, 404), response.text
        jsonschema.validate(response.json(), error_schema)
    assert host.post("/api/openapi.json").status_code == 405


def run_schemathesis(document: dict, paths: dict, tmp_path: Path, host, name: str, headers=()):
    spec = tmp_path / f"{name}.json"
    spec.write_text(json.dumps({"openapi": document["openapi"], "info": document["info"],
                                "components": document["components"], "paths": paths}))
    schemathesis = Path(sys.executable).parent / "schemathesis"
    header_args = [arg for header in headers for arg in ("--header", header)]
    result = subprocess.run(
        [str(schemathesis), "run", str(spec), "--url", host.url(""), "--checks", "not_a_server_error,response_schema_conformance",
         "--max-examples", "15", "--seed", "16", "--phases", "examples,coverage,fuzzing", "--no-color", *header_args],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""})
    print(result.stdout[-3000:])
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_schemathesis_finds_no_server_error_on_the_public_read_routes(document, host, tmp_path):
    # The public GET operations only (no token: the ones anyone may call).
    paths = {}
    for path, method, op in operations(document):
        if method == "GET" and op["security"] == [] and path != "/{path}":
            paths.setdefault(path, {})["get"] = op
    assert len(paths) >= 5
    run_schemathesis(document, paths, tmp_path, host, "public")


PASSWORD = "correct horse battery staple"


def sign_up(host, name: str) -> dict:
    """Registers an account through the API and signs it in; returns the login body."""
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    registered = host.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "displayName": name})
    assert registered.status_code == 201, registered.text
    return log_in(host, email)


def log_in(host, email: str) -> dict:
    login = host.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return login.json()


@pytest.fixture(scope="module")
def accounts(host) -> dict:
    """A viewer and a creator, registered through the API (the first account
    of a fresh database is the admin, who grants the creator role)."""
    admin = sign_up(host, "admin")
    assert admin["user"]["role"] == "admin"
    viewer = sign_up(host, "viewer")
    assert viewer["user"]["role"] == "viewer"
    creator = sign_up(host, "creator")
    granted = host.request("PATCH", f"/api/v1/users/{creator['user']['id']}/role", json={"role": "creator"},
                           headers={"Authorization": f"Bearer {admin['accessToken']}"})
    assert granted.status_code == 200, granted.text
    creator = log_in(host, creator["user"]["email"])  # a token that carries the new role
    assert creator["user"]["role"] == "creator"
    return {"viewer": viewer, "creator": creator}


@pytest.mark.parametrize("role", ["viewer", "creator"])
def test_schemathesis_finds_no_server_error_on_the_read_routes_when_signed_in(document, host, accounts, role, tmp_path):
    # Every GET operation (public and bearer-protected) with a viewer's or a creator's token.
    account = accounts[role]
    me = host.get("/api/v1/users/me", headers={"Authorization": f"Bearer {account['accessToken']}"})
    assert me.status_code == 200 and me.json()["role"] == role, me.text
    paths = {}
    for path, method, op in operations(document):
        if method == "GET" and path != "/{path}":
            paths.setdefault(path, {})["get"] = op
    assert any(op["get"]["security"] for op in paths.values())
    run_schemathesis(document, paths, tmp_path, host, role,
                     headers=[f"Authorization: Bearer {account['accessToken']}"])
