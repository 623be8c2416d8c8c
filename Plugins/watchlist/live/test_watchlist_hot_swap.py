"""Hot-swap under load (issue #13): a new build of the watchlist plugin lands
in the plugins folder while clients keep adding, listing and asking
`contains`; not one request may fail, both generations serve, and the old
generation is shut down and unmapped (dlclose: the plugin declares
REEL_PLUGIN_UNLOADABLE and leaves no thread or connection behind)."""
import subprocess
import threading
import time
from pathlib import Path

from reeltest.host import REPO, msg, new_database, wait_until
from reeltest.watchlist import BASE, make_watchlist_api, memcheck_make_args

CLIENTS = 4


def mapped_files(pid: int) -> set[str]:
    return {line.split()[-1] for line in Path(f"/proc/{pid}/maps").read_text().splitlines()
            if len(line.split()) >= 6}


def test_hot_swap_under_load(reel_env, tmp_path):
    with new_database(reel_env, tmp_path) as (starter, url):
        wl = make_watchlist_api(starter, reel_env, url)
        host = wl.host
        old = host.plugins()["watchlist"]
        assert old["version"] == "1.0.0"
        accounts = [wl.account("viewer") for _ in range(CLIENTS)]
        videos = wl.insert_videos(wl.creator, 20, prefix="Swap")

        stop = threading.Event()
        failures: list[str] = []
        served: dict[str, int] = {}
        lock = threading.Lock()

        def client(account):
            import requests
            session = requests.Session()
            i = 0
            while not stop.is_set():
                video = videos[i % len(videos)]
                calls = [("PUT", f"{BASE}/{video}", 204), ("GET", f"{BASE}?limit=5", 200),
                         ("GET", f"{BASE}/contains?ids={video}", 200)]
                if i % 3 == 2:
                    calls.append(("DELETE", f"{BASE}/{video}", 204))
                for method, path, status in calls:
                    try:
                        response = session.request(method, host.url(path), headers=account.bearer, timeout=30)
                        ok = response.status_code == status
                        label = response.headers.get("Reel-Plugin", "?")
                    except Exception as error:  # noqa: BLE001 (any failure counts)
                        ok, label, response = False, "?", error
                    with lock:
                        if not ok:
                            failures.append(f"{method} {path}: {getattr(response, 'status_code', response)} "
                                            f"{getattr(response, 'text', '')[:200]}")
                        served[label] = served.get(label, 0) + 1
                i += 1
            session.close()

        threads = [threading.Thread(target=client, args=(a,)) for a in accounts]
        for thread in threads:
            thread.start()
        try:
            time.sleep(1.5)  # let the load settle in before swapping
            # A new build straight into the plugins folder (temp file + rename): the watcher takes it.
            subprocess.run(["make", "-s", "-C", str(REPO / "Plugins/watchlist"), f"OUT={host.plugins_dir}",
                            "VERSION=2.0.0", *memcheck_make_args()], check=True, capture_output=True)
            wait_until(lambda: host.plugins()["watchlist"]["version"] == "2.0.0", timeout=30,
                       what="watchlist 2.0.0 loaded")
            time.sleep(1.5)  # and some load on the new generation
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        assert not failures, failures[:10]

        new = host.plugins()["watchlist"]
        assert new["generation"] > old["generation"] and new["sha256"] != old["sha256"]
        old_label, new_label = f"watchlist/1.0.0#{old['generation']}", f"watchlist/2.0.0#{new['generation']}"
        assert served.get(old_label, 0) > 0 and served.get(new_label, 0) > 0, served

        retired = host.wait_for_log(lambda e: msg(e) == "plugin generation retired" and e.get("name") == "watchlist",
                                    timeout=30, what="the old watchlist generation retired")
        assert retired["generation"] == str(old["generation"])
        assert retired["unmapped"] == "true"  # dlclosed, not merely retired
        # The host's plugin list holds the new generation only, and the old
        # library is no longer mapped into the process.
        listed = [p for p in host.readyz()[1]["plugins"] if p["name"] == "watchlist"]
        assert [p["generation"] for p in listed] == [new["generation"]]
        maps = mapped_files(host.process.pid)
        assert not any(f"watchlist-{old['sha256'][:16]}" in path for path in maps), sorted(maps)
        assert any(f"watchlist-{new['sha256'][:16]}" in path for path in maps), sorted(maps)

        # The new generation serves, with the data the old one wrote.
        account = accounts[0]
        assert wl.add(account, videos[0]).status_code == 204
        assert videos[0] in wl.listed_ids(account)
        response = wl.page(account)
        assert response.headers["Reel-Plugin"] == new_label

        # Its metric (ABI 1.4) went on across the swap, though the old
        # generation was unmapped: one series per change, and what was added
        # less what was removed is what the table holds.
        import requests
        text = requests.get(host.metrics_url(), timeout=10).text
        assert text.count("# TYPE reel_watchlist_changes_total ") == 1, text

        def changes(change: str) -> float:
            lines = [line for line in text.splitlines()
                     if line.startswith(f'reel_watchlist_changes_total{{change="{change}"}} ')]
            assert len(lines) == 1, text
            return float(lines[0].split()[-1])

        rows = int(reel_env.psql("SELECT count(*) FROM watchlist.entries", url=url))
        assert changes("added") > 0 and changes("removed") > 0
        assert changes("added") - changes("removed") == rows
        host.assert_healthy()
