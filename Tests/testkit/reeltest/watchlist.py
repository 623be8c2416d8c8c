"""Helpers for the watchlist plugin's live tests: the My List routes, /rpc
calls with protobuf bodies, and videos written with psql in chosen states."""
from __future__ import annotations

import os
import subprocess
import uuid

import requests

from reeltest.auth import Account, AuthAPI
from reeltest.host import HostStarter, cursor_pages
from reeltest.video import VideoAPI

BASE = "/api/v1/me/watchlist"
SERVICE = "reel.watchlist.v1.WatchlistService"
CAP = 130  # REEL_WATCHLIST_MAX_ENTRIES of the test host (the default is 5000)
PROTO = {"Content-Type": "application/proto"}
CONNECT_ERROR_JSON = {"code", "message"}  # a Connect error body


# The memory check (the README's "Memory checks"): "asan" builds the plugin
# with AddressSanitizer and -z nodelete (LeakSanitizer can still name its
# frames at exit), "asan-unload" without -z nodelete (for the hot-swap test,
# which checks the old library is unmapped); the test hosts preload the ASan
# runtime, and ASAN_OPTIONS / LSAN_OPTIONS pass through to them.
MEMCHECK = os.environ.get("REEL_WATCHLIST_MEMCHECK", "")
MEMCHECK_MODES = ("", "asan", "asan-unload")


def memcheck_make_args() -> list[str]:
    """Extra `make` arguments for a plugin build in the memory-check mode."""
    if not MEMCHECK:
        return []
    args = ["EXTRA_CFLAGS=-fsanitize=address -fno-omit-frame-pointer -O1"]
    return args + (["EXTRA_LDFLAGS=-Wl,-z,nodelete"] if MEMCHECK == "asan" else [])


def memcheck_env() -> dict:
    """Extra host environment in the memory-check mode."""
    if not MEMCHECK:
        return {}
    runtime = subprocess.run(["gcc", "-print-file-name=libasan.so"], capture_output=True, text=True,
                             check=True).stdout.strip()
    return {"LD_PRELOAD": runtime}


class WatchlistAPI(VideoAPI):
    """The video API of one host plus its watchlist routes."""

    def add(self, account: Account | None, video_id: str) -> requests.Response:
        return self.host.request("PUT", f"{BASE}/{video_id}", headers=account.bearer if account else {})

    def remove(self, account: Account | None, video_id: str) -> requests.Response:
        return self.host.request("DELETE", f"{BASE}/{video_id}", headers=account.bearer if account else {})

    def page(self, account: Account | None, **params) -> requests.Response:
        return self.host.get(BASE, params=params, headers=account.bearer if account else {})

    def contains(self, account: Account | None, ids) -> requests.Response:
        query = ids if isinstance(ids, str) else ",".join(ids)
        return self.host.get(f"{BASE}/contains?ids={query}", headers=account.bearer if account else {})

    def listed(self, account: Account, limit: int = 7) -> list[dict]:
        """Every item of the account's list, following nextCursor."""
        pages = cursor_pages(lambda **query: self.page(account, **query), limit)
        return [item for page in pages for item in page]

    def listed_ids(self, account: Account, limit: int = 7) -> list[str]:
        return [item["video"]["id"] for item in self.listed(account, limit)]

    def entries(self, account: Account) -> int:
        """Rows of the account's list in the plugin's own table."""
        return int(self.psql(f"SELECT count(*) FROM watchlist.entries WHERE user_id = '{account.id}'"))

    def insert_videos(self, owner: Account, count: int, *, prefix: str = "Bulk") -> list[str]:
        """`count` public, ready videos written with one psql statement."""
        tag = uuid.uuid4().hex[:8]
        out = self.psql(f"""INSERT INTO video.videos (id, owner_id, title, visibility, state, duration_seconds, published_at)
                            SELECT gen_random_uuid(), '{owner.id}', '{prefix} {tag} ' || n, 'public', 'ready', 30,
                                   now() - n * interval '1 second'
                            FROM generate_series(1, {count}) AS n RETURNING id""")
        ids = [line.strip() for line in out.splitlines() if line.strip()]
        assert len(ids) == count, out
        return ids

    def rpc(self, account: Account | None, method: str, message) -> requests.Response:
        headers = {**PROTO, **(account.bearer if account else {})}
        return self.host.post(f"/rpc/{SERVICE}/{method}", data=message.SerializeToString(), headers=headers)


def make_watchlist_api(starter: HostStarter, reel_env, database_url: str, env=None) -> WatchlistAPI:
    """A host with auth, video and watchlist; an admin, a creator and a viewer (as make_video_api)."""
    host = starter(plugins=("auth", "video", "watchlist"), database_url=database_url,
                   env={**(env or {}), **memcheck_env()})
    return WatchlistAPI(host, AuthAPI(host, reel_env, database_url)).sign_in_cast()
