"""One call with `buf curl` (PyPI buf-bin), a second independent Connect
client: JSON in and out over HTTP/1.1, the schema from proto/'s descriptor set."""
import json
import shutil
from pathlib import Path

import pytest

import subprocess

REPO = Path(__file__).resolve().parents[3]


def buf() -> str:
    found = shutil.which("buf") or (str(REPO / ".venv" / "bin" / "buf") if (REPO / ".venv" / "bin" / "buf").exists() else None)
    if not found:
        pytest.skip("buf is not installed (tools/requirements-test.txt has buf-bin)")
    return found


def test_buf_curl_calls_a_method(rpc, reel_env):
    schema = reel_env.work / "reel.binpb"   # written by Protos.compile
    assert schema.exists()
    done = subprocess.run([buf(), "curl", "--schema", str(schema), "--data", json.dumps({"id": rpc.video_id}),
                           rpc.host.url("/rpc/reel.video.v1.VideoService/GetVideo")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    video = json.loads(done.stdout)
    assert video["id"] == rpc.video_id and video["title"] == "Conformance clip"

    # A Connect error comes back as one, with its code.
    done = subprocess.run([buf(), "curl", "--schema", str(schema), "--data", '{"text": ""}',
                           rpc.host.url("/rpc/reel.helloc.v1.EchoService/Echo")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "invalid_argument" in done.stderr and "text must not be empty" in done.stderr
