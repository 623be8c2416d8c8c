"""tools/bench notify: the notification plugin's fan-out. A creator with
FOLLOWERS followers publishes a video (a real upload, transcoded); we measure

- the fan-out rate: notifications made per second (first to last
  `created_at` of the video's subscription.video rows), against the reference
  of PostgreSQL inserting the same number of rows into a table of the same
  shape with one INSERT ... SELECT in the same run (ratio = Reel / reference);
- the delay from the video becoming ready (`published_at`) to the event on
  the first follower's open Server-Sent Events stream.
"""
import argparse
import base64
import os
import socket
import subprocess
import tempfile
import time

import requests

from benchkit import free_port, psql, wait_ready


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--bin", required=True)
    args.add_argument("--plugins", required=True)
    args.add_argument("--data", required=True)
    args.add_argument("--database", required=True)
    args.add_argument("--followers", type=int, default=10_000)
    args.add_argument("--clip", required=True)
    opts = args.parse_args()

    name = f"reel_bench_notify_{os.getpid()}"
    psql(opts.database, f"CREATE DATABASE {name}")
    url = opts.database.replace("/reel?", f"/{name}?") if "/reel?" in opts.database else opts.database + f"_{name}"
    work = tempfile.mkdtemp(prefix="notify-", dir=opts.data)
    port = free_port()
    env = dict(os.environ, REEL_HTTP_PORT=str(port), REEL_DATA_DIR=os.path.join(work, "host"), REEL_ADMIN_ADDR="off",
               REEL_PLUGINS_DIR=opts.plugins, REEL_PLUGIN_WATCH_SECONDS="0", REEL_LOG_LEVEL="warning",
               REEL_DATABASE_URL=url, REEL_SAMPLE_VIDEO="")
    host = subprocess.Popen([opts.bin, "serve"], env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    sock = None
    try:
        wait_ready(base, host)

        def account(label):
            email, password = f"{label}-{port}@example.com", "a benchmark passphrase"
            user = requests.post(base + "/api/v1/auth/register",
                                 json={"email": email, "password": password, "displayName": label}).json()["user"]
            token = requests.post(base + "/api/v1/auth/login", json={"email": email, "password": password}).json()["accessToken"]
            return user["id"], token

        creator, creator_token = account("creator")  # the first account: admin, may upload
        follower, follower_token = account("follower")
        # FOLLOWERS - 1 more followers straight into the table (fan-out reads only this table).
        psql(url, "INSERT INTO notification.subscriptions (follower_id, creator_id) "
                  f"SELECT gen_random_uuid(), '{creator}' FROM generate_series(1, {opts.followers - 1})")
        assert requests.put(f"{base}/api/v1/me/subscriptions/{creator}",
                            headers={"Authorization": f"Bearer {follower_token}"}).status_code == 204

        # The first follower's stream, open before the upload.
        sock = socket.create_connection(("127.0.0.1", port), timeout=600)
        sock.sendall(f"GET /api/v1/me/notifications/stream HTTP/1.1\r\nHost: x\r\n"
                     f"Authorization: Bearer {follower_token}\r\n\r\n".encode())
        seen = b""
        while b": connected" not in seen:
            seen += sock.recv(65536)

        size = os.path.getsize(opts.clip)
        auth = {"Authorization": f"Bearer {creator_token}", "Tus-Resumable": "1.0.0"}
        metadata = "filename " + base64.b64encode(b"clip.mp4").decode() + ",title " + base64.b64encode(b"Bench").decode()
        created = requests.post(base + "/api/v1/uploads", headers={**auth, "Upload-Length": str(size), "Upload-Metadata": metadata})
        created.raise_for_status()
        with open(opts.clip, "rb") as body:
            patched = requests.patch(base + created.headers["Location"], data=body.read(),
                                     headers={**auth, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
        patched.raise_for_status()
        video = patched.headers["Reel-Video-Id"]

        while b"event: notification" not in seen:
            chunk = sock.recv(65536)
            if not chunk:
                raise SystemExit("the stream ended before the notification")
            seen += chunk
        arrived = time.time()
        while psql(url, f"SELECT count(*) FROM notification.notifications WHERE video_id = '{video}' "
                        "AND type = 'subscription.video'") != str(opts.followers):
            time.sleep(0.2)
        published = float(psql(url, f"SELECT extract(epoch FROM published_at) FROM video.videos WHERE id = '{video}'"))
        first, last = (float(x) for x in psql(url, "SELECT extract(epoch FROM min(created_at)), extract(epoch FROM max(created_at)) "
                                                   f"FROM notification.notifications WHERE video_id = '{video}' "
                                                   "AND type = 'subscription.video'").split("|"))
        reel_seconds = max(last - first, 1e-6)

        # The reference: the same number of rows, one INSERT ... SELECT, same shape and indexes.
        psql(url, "CREATE TABLE bench_reference (LIKE notification.notifications INCLUDING ALL)")
        reference = psql(url, "SELECT extract(epoch FROM clock_timestamp())")
        psql(url, "INSERT INTO bench_reference (user_id, type, web, email, actor_id, video_id, video_title, dedupe_key) "
                  f"SELECT gen_random_uuid(), 'subscription.video', true, false, '{creator}', '{video}', 'Bench', 'video:{video}' "
                  f"FROM generate_series(1, {opts.followers})")
        reference_seconds = float(psql(url, "SELECT extract(epoch FROM clock_timestamp())")) - float(reference)
        print(f"followers: {opts.followers}")
        print(f"reel fan-out: {reel_seconds:.3f} s ({opts.followers / reel_seconds:,.0f} notifications/s)")
        print(f"reference (one INSERT ... SELECT): {reference_seconds:.3f} s "
              f"({opts.followers / reference_seconds:,.0f} rows/s)")
        print(f"ratio (reel rate / reference rate): {reference_seconds / reel_seconds:.2f}")
        print(f"ready -> first follower's stream: {arrived - published:.3f} s")
    finally:
        if sock:
            sock.close()
        host.terminate()
        host.wait(timeout=30)
        psql(opts.database, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
