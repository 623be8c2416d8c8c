"""Issue #19: the sample plugins (hello, hello-c) write a database row per
anonymous request; a normal deployment (`tools/dev up`, which installs the
plugins with `tools/dev plugins release DIR`) must not load them. Tests and
docs ask for them explicitly (`... DIR samples`, REEL_DEV_SAMPLES=1)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SAMPLES = {"hello.so", "hello-c.so"}


def install(folder: Path, *extra: str) -> set[str]:
    # The debug build the live tests already made: no rebuild here.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REEL_")}
    subprocess.run([str(REPO / "tools" / "dev"), "plugins", "debug", str(folder), *extra], cwd=REPO, check=True,
                   env=environment, timeout=300, capture_output=True)
    return {p.name for p in folder.iterdir() if p.suffix == ".so"}


def test_the_default_plugin_set_has_no_samples(tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "hello.so").write_bytes(b"left by an earlier run with the samples")
    installed = install(folder)
    assert not installed & SAMPLES, installed
    assert {"auth.so", "video.so", "transcoder.so", "web.so"} <= installed


def test_samples_on_request(tmp_path):
    assert SAMPLES <= install(tmp_path, "samples")
