"""The whole journey with reel-client against a live host: register, sign in
(0600 credentials), upload with a forced interruption and a resume, wait until
ready, watch (master playlist -> rung -> segments), search, comment, the
watchlist, follow and notifications (the live Connect stream); access tokens
refreshed before expiry and after a refusal, refresh tokens rotated; services
this server lacks answered clearly."""
import json
import re
import stat
import uuid

import requests

from reeltest.reel_client import ReelClientCLI

PASSWORD = "a long passphrase for the cli"
TUS = {"Tus-Resumable": "1.0.0"}


def test_journey(platform, movies, tmp_path):
    cli = ReelClientCLI(platform.host.url("/").rstrip("/"), tmp_path / "config")
    email = f"cli-{uuid.uuid4().hex[:8]}@example.com"

    out = cli.ok("register", "--email", email, "--password", PASSWORD, "--name", "Cli User")
    assert f"registered {email} (viewer)" in out
    user_id = out.split()[-1]
    # Only a creator may upload: the admin promotes the new account.
    assert platform.auth.set_role(platform.admin, user_id, "creator").status_code == 200

    # The password may come on standard input.
    out = cli.ok("login", "--email", email, stdin=PASSWORD + "\n")
    assert "signed in as Cli User" in out and "(creator)" in out
    assert stat.S_IMODE(cli.credentials.stat().st_mode) == 0o600
    assert stat.S_IMODE(cli.credentials.parent.stat().st_mode) == 0o700
    assert cli.stored()["userID"] == user_id
    assert email in cli.ok("whoami")

    # A second user follows the creator and listens to the live stream
    # (Connect server streaming) before the upload starts.
    fan = ReelClientCLI(cli.server, tmp_path / "fan-config")
    fan_email = f"fan-{uuid.uuid4().hex[:8]}@example.com"
    fan.ok("register", "--email", fan_email, "--password", PASSWORD, "--name", "The Fan")
    fan.ok("login", "--email", fan_email, "--password", PASSWORD)
    assert f"following {user_id}" in fan.ok("follow", user_id)
    fan.ok("follow", user_id)                         # idempotent
    assert user_id in fan.ok("follow")                # the list
    listener = fan.start("notifications", "--follow", "--count", "1")
    try:
        assert "listening for notifications" in listener.stderr.readline()

        # Upload, interrupted after the first chunk the server confirmed.
        clip = movies.movie(12)  # three 4 s segments per rung
        size = clip.stat().st_size
        chunk = 64 * 1024
        assert size > 3 * chunk
        stopped = cli("upload", str(clip), "--title", "CLI clip", "--chunk-size", str(chunk), "--stop-after", str(chunk))
        assert stopped.code == 3, stopped
        assert "interrupted" in stopped.err
        [location] = json.loads((cli.config_home / "reel" / "uploads.json").read_text()).values()
        access = cli.stored()["accessToken"]
        head = requests.head(location, headers={**TUS, "Authorization": f"Bearer {access}"}, timeout=30)
        assert head.status_code == 200
        assert 0 < int(head.headers["Upload-Offset"]) < size

        # The same command resumes from the server's offset and finishes.
        resumed = cli("upload", str(clip), "--title", "CLI clip", "--chunk-size", str(chunk))
        assert resumed.code == 0, resumed
        assert "resuming" in resumed.err and "100%" in resumed.err
        video_id = re.search(r"uploaded video (\S+)", resumed.out).group(1)
        assert json.loads((cli.config_home / "reel" / "uploads.json").read_text()) == {}  # nothing left to resume

        # Ready, then watched: the lowest rung's init segment and three media segments.
        out = cli.ok("video", video_id, "--wait", "300", timeout=330)
        assert out.startswith("CLI clip  [ready]"), out
        assert "HLS  http" in out

        # The fan's stream delivered subscription.video for it, then stopped (--count 1).
        streamed, err = listener.communicate(timeout=120)
        assert listener.returncode == 0, (streamed, err)
        [line] = streamed.splitlines()
        assert "subscription.video" in line and video_id in line and "CLI clip" in line, line
        assert f"from Cli User ({user_id})" in line, line
        # The creator's feed has video.ready; the fan's has the same notification as the stream.
        mine = cli.ok("notifications")
        assert re.search(rf"video\.ready \*.*video {video_id} ", mine), mine
        assert line.split()[0] in fan.ok("notifications", "--unread")
        assert "all read" in fan.ok("notifications", "--read-all")
        assert fan.ok("notifications", "--unread").startswith("0 unread")
        assert f"unfollowed {user_id}" in fan.ok("unfollow", user_id)
        assert "you follow nobody" in fan.ok("follow")

        out = cli.ok("watch", video_id)
        assert re.search(r"init \S+: \d+ bytes, fMP4 \(ftyp\)", out), out
        assert len(re.findall(r"segment \S+: \d+ bytes, [\d.]+ s, fMP4 \(moof\)", out)) == 3, out
        assert "got 3 of" in out

        # The catalog and search find it; the caller's own list has it.
        assert video_id in cli.ok("videos", "--search", "CLI clip")
        assert video_id in cli.ok("videos", "--mine")
        assert "no videos" in cli.ok("videos", "--search", "nothing-like-this-exists")

        # Comment, and read the comments back.
        out = cli.ok("comment", video_id, "Nice clip, from the terminal")
        comment_id = re.search(r"commented (\S+)", out).group(1)
        listed = cli.ok("comment", video_id)
        assert f"{comment_id}  Cli User: Nice clip, from the terminal" in listed

        # The watchlist: add (twice: idempotent), list, remove.
        assert f"added {video_id}" in cli.ok("watchlist", "add", video_id)
        cli.ok("watchlist", "add", video_id)
        listed = cli.ok("watchlist", "ls")
        assert listed.count(video_id) == 1 and "CLI clip" in listed
        assert f"removed {video_id}" in cli.ok("watchlist", "rm", video_id)
        assert "your watchlist is empty" in cli.ok("watchlist", "ls")
        assert cli("watchlist", "add").code != 0          # add needs an id
    finally:
        if listener.poll() is None:
            listener.kill()
            listener.communicate()


def test_tokens_refresh_and_rotate(platform, tmp_path):
    cli = ReelClientCLI(platform.host.url("/").rstrip("/"), tmp_path / "config")
    email = f"cli-{uuid.uuid4().hex[:8]}@example.com"
    cli.ok("register", "--email", email, "--password", PASSWORD, "--name", "Refresher")
    cli.ok("login", "--email", email, "--password", PASSWORD)
    first = cli.stored()

    # An access token about to expire is refreshed before the call; the
    # refresh token the server rotated replaces the old one in the file.
    cli.store({**first, "accessExpiresAt": "2000-01-01T00:00:00Z"})
    assert email in cli.ok("whoami")
    second = cli.stored()
    assert second["accessToken"] != first["accessToken"]
    assert second["refreshToken"] != first["refreshToken"]
    assert stat.S_IMODE(cli.credentials.stat().st_mode) == 0o600

    # An access token the server refuses (though its clock says valid) is
    # refreshed once and the call retried.
    cli.store({**second, "accessToken": "not-a-token"})
    assert email in cli.ok("whoami")
    assert cli.stored()["refreshToken"] != second["refreshToken"]

    # The first refresh token was spent by the rotation: replaying it is
    # refused, and revokes its whole family (the client's current token too).
    spent = requests.post(platform.host.url("/rpc/reel.auth.v1.AuthService/Refresh"),
                          json={"refreshToken": first["refreshToken"]}, timeout=30)
    assert spent.status_code == 401, spent.text

    # A refresh token the server refuses ends the session: the file is forgotten.
    cli.store({**cli.stored(), "accessToken": "not-a-token"})
    result = cli("whoami")
    assert result.code != 0 and "not signed in" in result.err
    assert not cli.credentials.exists()

    # Sign in again and out: the server revokes the refresh token.
    cli.ok("login", "--email", email, "--password", PASSWORD)
    refresh = cli.stored()["refreshToken"]
    assert "signed out" in cli.ok("logout")
    assert not cli.credentials.exists()
    revoked = requests.post(platform.host.url("/rpc/reel.auth.v1.AuthService/Refresh"),
                            json={"refreshToken": refresh}, timeout=30)
    assert revoked.status_code == 401, revoked.text


def test_bad_input_is_refused_clearly(platform, tmp_path):
    cli = ReelClientCLI(platform.host.url("/").rstrip("/"), tmp_path / "config")
    result = cli("whoami")
    assert result.code != 0 and "not signed in" in result.err
    result = cli("login", "--email", "nobody@example.com", "--password", "wrong password here")
    assert result.code != 0 and "unauthenticated" in result.err
    result = cli("video", "--server", "ftp://example", "x")
    assert result.code != 0 and "http(s) URL" in result.err
    result = cli("upload", str(tmp_path / "missing.mp4"), "--title", "x")
    assert result.code != 0 and "cannot read" in result.err


def test_services_the_server_lacks_are_named(shared_host, tmp_path):
    """A host with only the sample plugins: no comment service (its method
    answers unimplemented)."""
    cli = ReelClientCLI(shared_host.url("/").rstrip("/"), tmp_path / "config")
    result = cli("comment", str(uuid.uuid4()))
    assert result.code == 2, result
    assert "comments is not available on this server" in result.err
    # Nor the notification service: follow, the feed and its stream (with a
    # token that looks valid, so the calls reach the server).
    cli.credentials.parent.mkdir(parents=True)
    cli.store({"accessToken": "a-token", "refreshToken": "r", "accessExpiresAt": "2999-01-01T00:00:00Z",
               "userID": str(uuid.uuid4()), "email": "someone@example.com"})
    for args in (("follow", str(uuid.uuid4())), ("notifications",), ("notifications", "--follow")):
        result = cli(*args)
        assert result.code == 2 and "not available on this server" in result.err, (args, result)
