# The auth plugin's live tests use the host fixtures of Tests/live/reelhost.py.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "Tests" / "live"))

from reelhost import protos, reel_env, shared_host, start_host  # noqa: E402,F401 (pytest fixtures)
