"""Runs the reel-client executable (built next to the host binary) with its
own config directory, as a user would from a terminal."""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Result:
    code: int
    out: str
    err: str


class ReelClientCLI:
    def __init__(self, server: str, config_home: Path):
        bin_dir = Path(os.environ.get("REEL_TEST_BIN", "")).parent
        self.binary = bin_dir / "reel-client"
        if not self.binary.exists():
            pytest.skip(f"{self.binary} is not built (swift build builds it with the host)")
        self.server = server
        self.config_home = config_home

    @property
    def credentials(self) -> Path:
        return self.config_home / "reel" / "credentials.json"

    def _env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("REEL_SERVER", "REEL_PASSWORD")}
        env.update({"XDG_CONFIG_HOME": str(self.config_home), "REEL_SERVER": self.server})
        return env

    def __call__(self, *args: str, timeout: float = 120, stdin: str | None = None) -> Result:
        done = subprocess.run([str(self.binary), *args], capture_output=True, text=True, timeout=timeout,
                              env=self._env(), input=stdin)
        return Result(done.returncode, done.stdout, done.stderr)

    def start(self, *args: str) -> subprocess.Popen:
        """A command left running (e.g. `notifications --follow`): the caller
        reads its pipes and waits for it."""
        return subprocess.Popen([str(self.binary), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=self._env())

    def ok(self, *args: str, **kwargs) -> str:
        result = self(*args, **kwargs)
        assert result.code == 0, f"reel-client {' '.join(args)} -> {result.code}\n{result.out}\n{result.err}"
        return result.out

    def stored(self) -> dict:
        return json.loads(self.credentials.read_text())

    def store(self, credentials: dict) -> None:
        self.credentials.write_text(json.dumps(credentials))
