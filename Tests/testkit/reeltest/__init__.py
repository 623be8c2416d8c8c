"""reeltest: the live tests' one test kit (Tests/live, Plugins/*/live).

Real hosts on loopback and the clients that drive them; no mocks. pytest
finds it through `pythonpath` in the repository's pytest.ini, and the
repository's conftest.py registers the shared fixtures of
`reeltest.fixtures` for every suite.

  host        `reel serve` processes (Host, HostStarter), the test database
              (ReelEnv), raw HTTP, waiting helpers; fixtures reel_env,
              start_host, shared_host, protos
  proto       protobuf messages of proto/ built at runtime, a Connect client
  fixtures    the fixtures every suite gets (the above, s3, smtp)
  auth        the auth plugin's API: accounts, tokens (AuthAPI, Account)
  video       the video plugin's API, tus uploads, media fixtures (VideoAPI)
  stream      streaming delivery: stream folders, signed URLs, playback
  transcode   transcodes end to end (Platform, MediaFixtures, TEST_ENV)
  comment     the comment plugin's API (CommentAPI)
  notify      the notification plugin's API and a real SMTP server
  sse         a raw Server-Sent Events client
  watchlist   the watchlist plugin's API
  web         browser page checks (selenium) for the web plugin
  inputs      the security suite's input-limit fixtures
  reel_client runs the reel-client executable
"""
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
"""The repository's root folder."""
