"""tools/bench api: Reel's JSON API against the same SQL run by pgbench, in
one run, with the same concurrency.

Four requests, each the way a client makes it:
- catalog: GET /api/v1/videos (the first page, 20 videos)
- search:  GET /api/v1/videos?q=WORD
- video:   GET /api/v1/videos/{id}
- refresh: POST /api/v1/auth/refresh (each connection spends its own token
           chain: one connection per wrk thread, the next token taken from
           each answer)

Reel is driven by wrk (Lua scripts next to this file); the reference is
pgbench running the statements the plugins run for that request (read from
Plugins/video/Core/Store/VideoStore.swift and
Plugins/auth/Core/Store/RefreshTokenStore.swift) with the same number of
clients, prepared (-M prepared: PostgreSQL at its best). The catalog holds
CATALOG ready public videos seeded in a fresh database. Printed per request:
requests/s and p99 of each side, the host's CPU time per request ("cpu us":
user + system time of the host process, plugins included, during Reel's run
divided by its requests; steadier than rates on a shared machine), and
ratio = Reel rate / pgbench rate (the target is >= 0.6 on the three read
paths)."""
import argparse
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile

import requests

from benchkit import free_port, psql, wait_ready

HERE = os.path.dirname(os.path.abspath(__file__))

# The columns VideoStore reads (Video.columns in Plugins/video/Core/Model/Video.swift). One
# change: pgbench's prepared mode takes ":MI" for a variable, so the time formats quote their
# colons (to_char prints a quoted ":" as is: the same text).
VIDEO_COLUMNS = """v.id::text AS id, v.owner_id::text AS owner_id, v.title, v.description, array_to_json(v.tags)::text AS tags_json,
    v.visibility, v.state, v.failure_reason, v.progress, v.duration_seconds, v.width, v.height,
    v.poster_key, v.hls_key, v.dash_key, v.views, v.rungs_done, v.rungs_total,
    array_to_json(v.thumbnail_keys)::text AS thumbnail_keys_json,
    to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"') AS created_at_iso,
    to_char(v.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"') AS published_at_iso,
    (extract(epoch FROM v.created_at) * 1000000)::bigint AS created_micros,
    (extract(epoch FROM v.published_at) * 1000000)::bigint AS published_micros"""

# The columns UserStore reads (User.columns("u") in Plugins/auth/Core/Model/User.swift).
USER_COLUMNS = """u.id::text AS id, u.email, u.display_name, u.role, u.disabled,
    to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"') AS created_at_iso,
    (extract(epoch FROM u.created_at) * 1000000)::bigint AS created_micros"""

CATALOG = "v.state = 'ready' AND v.visibility = 'public' AND v.published_at IS NOT NULL"

# pgbench scripts: one transaction = what the plugin runs for one request.
# VideoStore.catalog (limit = page size + 1), VideoStore.byID, RefreshTokenStore.rotate.
PGBENCH_SCRIPTS = {
    "catalog": f"""\\set limit 21
SELECT {VIDEO_COLUMNS} FROM video.videos v WHERE {CATALOG} ORDER BY v.published_at DESC, v.id DESC LIMIT :limit;
""",
    "search": f"""\\set limit 21
SELECT {VIDEO_COLUMNS} FROM video.videos v WHERE {CATALOG} AND v.search @@ websearch_to_tsquery('simple', :q)
    ORDER BY v.published_at DESC, v.id DESC LIMIT :limit;
""",
    "video": f"""SELECT {VIDEO_COLUMNS} FROM video.videos v WHERE v.id = :id;
""",
    # Each client spends a token of its own family (seeded below): the same
    # locking SELECT, UPDATE and INSERT of the successor as a rotation.
    "refresh": f"""BEGIN;
SELECT t.family_id::text AS family_id, t.used_at IS NOT NULL AS used, t.revoked_at IS NOT NULL AS revoked,
       t.revoked_reason, t.expires_at <= now() AS expired, {USER_COLUMNS}
FROM auth.refresh_tokens t JOIN auth.users u ON u.id = t.user_id
WHERE t.token_hash = sha256(convert_to('pgbench-' || :client_id::text, 'UTF8'))
FOR UPDATE OF t FOR SHARE OF u;
UPDATE auth.refresh_tokens SET used_at = now() WHERE token_hash = sha256(convert_to('pgbench-' || :client_id::text, 'UTF8'));
INSERT INTO auth.refresh_tokens (token_hash, family_id, user_id, expires_at)
    SELECT sha256(convert_to(gen_random_uuid()::text, 'UTF8')), family_id, user_id, now() + 2592000 * interval '1 second'
    FROM auth.refresh_tokens WHERE token_hash = sha256(convert_to('pgbench-' || :client_id::text, 'UTF8'));
COMMIT;
""",
}

WORDS = ["mountain", "river", "city", "ocean", "forest", "desert", "island", "valley"]


def wrk(url: str, script: str, connections: int, threads: int, seconds: int, env: dict | None = None) -> dict:
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "-s", script, url],
                         capture_output=True, text=True, env=dict(os.environ, **(env or {})), check=True).stdout
    line = next((l for l in out.splitlines() if l.startswith("RESULT ")), None)
    if line is None:
        sys.exit(f"wrk printed no result:\n{out}")
    requests_done, duration_us, p50, p99, non2xx, errors = (int(x) for x in line.split()[1:])
    return {"rate": requests_done / (duration_us / 1e6), "p50": p50 / 1000, "p99": p99 / 1000,
            "failed": non2xx + errors, "requests": requests_done}


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the host process so far (its plugins run inside it)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def pgbench(url: str, script: str, clients: int, seconds: int, work: str, variables: dict, mode: str) -> dict:
    path = os.path.join(work, "script.sql")
    with open(path, "w") as f:
        f.write(script)
    logs = os.path.join(work, "pgbench-log")
    for old in glob.glob(logs + "*"):
        os.unlink(old)
    defines = [arg for name, value in variables.items() for arg in ("-D", f"{name}={value}")]
    out = subprocess.run(["pgbench", "-n", "-M", mode, "-c", str(clients), "-j", str(min(clients, 2)),
                          "-T", str(seconds), "-f", path, "-l", f"--log-prefix={logs}", *defines, url],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"pgbench failed:\n{out.stdout}\n{out.stderr}")
    latencies = []
    for log in glob.glob(logs + "*"):
        with open(log) as f:
            latencies += [int(line.split()[2]) for line in f if line.strip()]
    latencies.sort()
    rate = next(float(l.split("=")[1].split()[0]) for l in out.stdout.splitlines() if l.startswith("tps ="))
    failed = next((int(l.split(":")[1].split()[0]) for l in out.stdout.splitlines()
                   if l.startswith("number of failed transactions")), 0)
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] / 1000 if latencies else float("nan")
    return {"rate": rate, "p50": pick(0.50), "p99": pick(0.99), "failed": failed, "requests": len(latencies)}


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--bin", required=True)
    args.add_argument("--plugins", required=True)
    args.add_argument("--data", required=True)
    args.add_argument("--database", required=True)
    args.add_argument("--seconds", type=int, default=10)
    args.add_argument("--connections", type=int, default=32)
    args.add_argument("--catalog", type=int, default=2000, help="ready public videos seeded")
    args.add_argument("--only", default="catalog,search,video,refresh", help="comma-separated cases")
    args.add_argument("--pgbench-mode", default="prepared", choices=["prepared", "extended", "simple"],
                      help="pgbench's query mode (extended: parsed and planned per query, as PQexecParams)")
    opts = args.parse_args()
    cases = [c for c in opts.only.split(",") if c]
    # SIGTERM (e.g. from tools/bench's trap) unwinds like Ctrl-C: the host is stopped, the database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    name = f"reel_bench_api_{os.getpid()}"
    psql(opts.database, f"CREATE DATABASE {name}")
    url = opts.database.replace("/reel?", f"/{name}?") if "/reel?" in opts.database else opts.database + f"_{name}"
    work = tempfile.mkdtemp(prefix="api-", dir=opts.data)
    port = free_port()
    env = dict(os.environ, REEL_HTTP_PORT=str(port), REEL_DATA_DIR=os.path.join(work, "host"), REEL_ADMIN_ADDR="off",
               REEL_METRICS_ADDR=f"127.0.0.1:{free_port()}", REEL_PLUGINS_DIR=opts.plugins, REEL_PLUGIN_WATCH_SECONDS="0",
               REEL_LOG_LEVEL="warning", REEL_DATABASE_URL=url, REEL_SAMPLE_VIDEO="", REEL_TRANSCODER_WORKER="off")
    host = subprocess.Popen([opts.bin, "serve"], env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    results = []
    try:
        wait_ready(base)
        email, password = f"bench-{port}@example.com", "a benchmark passphrase"
        user = requests.post(base + "/api/v1/auth/register",
                             json={"email": email, "password": password, "displayName": "Bench"}).json()["user"]
        # One refresh token per connection: each is a family of its own (a login).
        tokens = []
        if "refresh" in cases:
            for _ in range(opts.connections):
                login = requests.post(base + "/api/v1/auth/login", json={"email": email, "password": password})
                login.raise_for_status()
                tokens.append(login.json()["refreshToken"])
        words = ", ".join(f"'{w}'" for w in WORDS)
        psql(url, f"""
            INSERT INTO video.videos (id, owner_id, title, description, tags, visibility, state, duration_seconds,
                                      width, height, poster_key, hls_key, dash_key, views, published_at)
            SELECT id, '{user["id"]}', 'Bench video ' || n || ' by the ' || (ARRAY[{words}])[1 + n % {len(WORDS)}],
                   'A seeded video for tools/bench api, number ' || n, ARRAY['bench', (ARRAY[{words}])[1 + n % {len(WORDS)}]],
                   'public', 'ready', 60, 1280, 720, 'videos/' || id || '/poster.jpg', 'videos/' || id || '/hls/master.m3u8',
                   'videos/' || id || '/dash/manifest.mpd', n, now() - n * interval '1 minute'
            FROM (SELECT gen_random_uuid() AS id, n FROM generate_series(1, {opts.catalog}) n) s""")
        psql(url, "ANALYZE video.videos")
        video = psql(url, f"SELECT id FROM video.videos WHERE {CATALOG.replace('v.', '')} ORDER BY published_at DESC LIMIT 1 OFFSET 5")
        # pgbench's refresh clients: one family and token per client id, hashed like RefreshToken.hash.
        psql(url, f"""
            INSERT INTO auth.refresh_tokens (token_hash, family_id, user_id, expires_at)
            SELECT sha256(convert_to('pgbench-' || c, 'UTF8')), gen_random_uuid(), '{user["id"]}', now() + interval '30 days'
            FROM generate_series(0, {opts.connections - 1}) c""")

        token_file = os.path.join(work, "tokens")
        with open(token_file, "w") as f:
            f.write("\n".join(tokens) + "\n")
        targets = {
            "catalog": ("GET /api/v1/videos", base + "/api/v1/videos", os.path.join(HERE, "api_get.lua"), {}),
            "search": ("GET /api/v1/videos?q=mountain", base + "/api/v1/videos?q=mountain",
                       os.path.join(HERE, "api_get.lua"), {"q": "mountain"}),
            "video": ("GET /api/v1/videos/{id}", base + f"/api/v1/videos/{video}", os.path.join(HERE, "api_get.lua"),
                      {"id": video}),
            "refresh": ("POST /api/v1/auth/refresh", base + "/api/v1/auth/refresh",
                        os.path.join(HERE, "api_refresh.lua"), {}),
        }
        for case in cases:
            label, target, script, variables = targets[case]
            check = requests.get(target) if case != "refresh" else None
            if check is not None and check.status_code != 200:
                sys.exit(f"{label} answered {check.status_code}: {check.text}")
            refresh = case == "refresh"
            # The refresh chain needs one connection per wrk thread.
            threads = opts.connections if refresh else min(opts.connections, 2)
            wrk_env = {"REEL_BENCH_TOKENS": token_file}
            if not refresh:
                wrk(target, script, opts.connections, threads, 1, wrk_env)  # warm-up (caches, connections)
            cpu_before = cpu_seconds(host.pid)
            reel = wrk(target, script, opts.connections, threads, opts.seconds, wrk_env)
            # The host's CPU per request: the figure other work on a shared machine moves least.
            reel["cpu_us"] = (cpu_seconds(host.pid) - cpu_before) * 1e6 / max(reel["requests"], 1)
            reference = pgbench(url, PGBENCH_SCRIPTS[case], opts.connections, opts.seconds, work, variables, opts.pgbench_mode)
            results.append((case, label, reel, reference))
    finally:
        host.terminate()
        try:
            host.wait(timeout=30)
        except subprocess.TimeoutExpired:
            host.kill()
        try:
            psql(opts.database, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(work, ignore_errors=True)

    print(f"api benchmark: {opts.connections} connections, {opts.seconds} s each; Reel (wrk) vs the same SQL "
          f"(pgbench -M {opts.pgbench_mode} -c {opts.connections}); {opts.catalog} videos in the catalog")
    print(f"  {'request':32} {'reel req/s':>11} {'p99 ms':>8} {'cpu us':>7} {'pgbench tps':>12} {'p99 ms':>8} {'ratio':>6} "
          f"{'p99 ratio':>9}")
    for case, label, reel, reference in results:
        ratio = reel["rate"] / reference["rate"]
        p99 = reel["p99"] / reference["p99"] if reference["p99"] else float("nan")
        flag = "" if case == "refresh" else ("  (target >= 0.6)" if ratio < 0.6 else "")
        print(f"  {label:32} {reel['rate']:11,.0f} {reel['p99']:8.1f} {reel['cpu_us']:7.0f} {reference['rate']:12,.0f} "
              f"{reference['p99']:8.1f} "
              f"{ratio:6.2f} {p99:9.2f}{flag}")
        if reel["failed"] or reference["failed"]:
            print(f"    failed: reel {reel['failed']} of {reel['requests']}, pgbench {reference['failed']}")


if __name__ == "__main__":
    main()
