"""Liveness vs readiness: a host whose database goes away stays alive
(/livez 200) and stops being ready (/readyz 503), then is ready again when the
database is back, without a restart. The database is a private cluster of
this test (tools/pg with its own data dir), so stopping it touches no other
test."""
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from reeltest.host import REPO, wait_until

PG = REPO / "tools" / "pg"


@pytest.fixture
def own_cluster():
    # Under the test data dir, not pytest's tmp: the server runs as `postgres`
    # when the tests run as root, and /tmp/pytest-of-root is private.
    base = Path(os.environ.get("REEL_DATA_DIR", REPO / ".reel-test")) / f"livez-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "REEL_DATA_DIR": str(base)}

    def pg(command: str) -> str:
        done = subprocess.run([str(PG), command], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"tools/pg {command} failed:\n{done.stderr}"
        return done.stdout.strip()

    url = pg("start")
    yield url, pg
    pg("stop")
    subprocess.run(["rm", "-rf", str(base)], check=False)


def test_database_away_is_alive_but_not_ready(start_host, own_cluster):
    url, pg = own_cluster
    host = start_host(database_url=url)

    assert host.get("/livez").status_code == 200
    assert host.get("/livez").json() == {"status": "ok"}
    status, ready = host.readyz()
    assert status == 200, ready
    assert ready["database"] == "ok"
    assert {p["name"] for p in ready["plugins"]} == {"hello", "hello-c"}

    pg("stop")
    # Alive: the process serves (and a plugin without the database still answers).
    live = host.get("/livez")
    assert live.status_code == 200, live.text
    assert host.get("/healthz").status_code == 200
    status, ready = host.readyz()
    assert status == 503, ready
    assert ready["status"] == "not ready"
    assert ready["database"] == "unreachable"
    echo = host.post("/api/v1/echo", json={"text": "alive"})
    assert echo.status_code == 200, echo.text

    pg("start")
    status, ready = wait_until(lambda: (lambda r: r if r[0] == 200 else None)(host.readyz()),
                               timeout=30, what="ready again after the database came back")
    assert ready["status"] == "ready"
    assert ready["database"] == "ok"
    assert host.alive


def test_livez_refuses_other_methods(shared_host):
    assert shared_host.request("HEAD", "/livez").status_code == 200
    refused = shared_host.post("/livez")
    assert refused.status_code == 405
    assert refused.headers["Allow"] == "GET"
    assert refused.json()["error"]["code"]
