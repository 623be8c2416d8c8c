# The live suite's fixtures live in reelhost.py, shared with Plugins/*/tests.
from reelhost import protos, reel_env, shared_host, start_host  # noqa: F401 (pytest fixtures)
