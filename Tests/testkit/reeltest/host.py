"""Real Reel hosts for the live tests: `reel serve` on a loopback port, with
its own data dir, plugins dir and database, stderr (JSON log lines) captured
to a file. Shared by Tests/live and Plugins/*/live (the fixtures at the
bottom of this module reach every suite through reeltest.fixtures).

Environment (set by `tools/dev test`):
  REEL_TEST_BIN           the built `reel` binary
  REEL_TEST_PLUGINS       folder with the built plugins (hello.so, hello-c.so)
  REEL_TEST_FIXTURES      folder with the broken fixture plugins
  REEL_TEST_DATABASE_URL  a PostgreSQL server (libpq URI); each test session
                          creates a fresh database on it and drops it after
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests

from reeltest import REPO  # noqa: F401 (re-exported)
from reeltest.proto import Protos

START_TIMEOUT = 60      # a debug build, a Swift plugin running migrations, 2 cores
# What the test hosts grant beyond each plugin's own and the shared keys
# (REEL_CONFIG_GRANTS, README): the S3 credentials and the media signing
# key to the plugins that store media. A test's env may replace it.
CONFIG_GRANTS = "video:REEL_S3_ACCESS_KEY,REEL_S3_SECRET_KEY,REEL_MEDIA_SIGNING_KEY " \
                "transcoder:REEL_S3_ACCESS_KEY,REEL_S3_SECRET_KEY"
STOP_TIMEOUT = 20       # the brief: SIGTERM -> exit 0 within 20 s
WATCH_SECONDS = "0.2"   # plugins-folder polling interval of every test host


# ---------------------------------------------------------------------------
# Small helpers


def wait_until(predicate: Callable[[], Any], timeout: float = 15, interval: float = 0.05, what: str = "condition"):
    """Polls `predicate` until it returns something truthy (returned), or fails."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def cursor_pages(fetch: Callable[..., requests.Response], limit: int = 7, max_pages: int = 1000,
                 **params) -> list[list[dict]]:
    """Every page of a cursor-paginated listing, in order: `fetch(limit=...,
    cursor=..., **params)` answers {"items", "nextCursor"}. Each page must be
    a 200 with at most `limit` items, and the walk must end within `max_pages`."""
    pages, cursor = [], None
    while True:
        response = fetch(limit=limit, **({"cursor": cursor} if cursor else {}), **params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        pages.append(page["items"])
        cursor = page["nextCursor"]
        assert len(pages) < max_pages, "pagination does not end"
        if cursor is None:
            return pages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install_file(source: Path, target: Path) -> None:
    """Copies `source` to `target` through a dot-named temp file and a rename,
    as the Makefiles do: a host may have the old file mapped, and its watcher
    ignores dot files."""
    temporary = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
    shutil.copyfile(source, temporary)
    os.rename(temporary, target)


# ---------------------------------------------------------------------------
# The test environment and its database


def _database_url(base: str, name: str) -> str:
    """`base` (a libpq URI or key=value string) pointing at database `name`."""
    if "://" not in base:
        return f"{base} dbname={name}"
    parts = urlsplit(base)
    query = [(k, name if k == "dbname" else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    url = f"{parts.scheme}://{parts.netloc}/{name}"  # (urlunsplit drops "//" before an empty host)
    return url + (f"?{urlencode(query, safe='/')}" if query else "")


@dataclass
class ReelEnv:
    bin: Path
    plugins: Path
    fixtures: Path
    server_url: str      # REEL_TEST_DATABASE_URL
    database_url: str    # the fresh database of this session
    database_name: str
    protos: Protos
    work: Path           # scratch space for this session

    def psql(self, sql: str, url: str | None = None) -> str:
        result = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url or self.server_url,
                                 "-c", sql], capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise AssertionError(f"psql failed: {sql}\n{result.stderr}")
        return result.stdout.strip()

    def create_database(self) -> tuple[str, str]:
        """A fresh empty database: (name, URL)."""
        name = f"reel_live_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.psql(f'CREATE DATABASE "{name}"')
        return name, _database_url(self.server_url, name)

    def drop_database(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _required_path(variable: str) -> Path:
    value = os.environ.get(variable)
    if not value:
        pytest.skip(f"{variable} is not set (run the live tests through `tools/dev test`)")
    path = Path(value)
    if not path.exists():
        pytest.fail(f"{variable}={value} does not exist")
    return path


def make_env(tmp_root: Path) -> ReelEnv:
    binary = _required_path("REEL_TEST_BIN")
    plugins = _required_path("REEL_TEST_PLUGINS")
    fixtures = _required_path("REEL_TEST_FIXTURES")
    server_url = os.environ.get("REEL_TEST_DATABASE_URL")
    if not server_url:
        pytest.skip("REEL_TEST_DATABASE_URL is not set (run the live tests through `tools/dev test`)")
    for tool in ("psql", "protoc"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not on PATH (tools/dev deps installs it)")
    env = ReelEnv(bin=binary, plugins=plugins, fixtures=fixtures, server_url=server_url,
                  database_url="", database_name="", protos=Protos.compile(tmp_root), work=tmp_root)
    env.database_name, env.database_url = env.create_database()
    return env


# ---------------------------------------------------------------------------
# One host process


class Host:
    """A running `reel serve`. HTTP helpers default to its loopback URL."""

    def __init__(self, env: ReelEnv, root: Path, *, plugins: tuple[str, ...], fixtures: tuple[str, ...],
                 extra_env: dict[str, str], database_url: str | None, data_dir: Path | None = None):
        self.reel = env
        self.root = root
        self.data_dir = data_dir or root / "data"
        self.plugins_dir = root / "plugins"
        self.plugins_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for name in plugins:
            install_file(env.plugins / f"{name}.so", self.plugins_dir / f"{name}.so")
        for name in fixtures:
            install_file(env.fixtures / f"{name}.so", self.plugins_dir / f"{name}.so")
        self.database_url = env.database_url if database_url is None else database_url
        self.extra_env = extra_env
        self.process: subprocess.Popen | None = None
        self.log_path = root / "host.log"
        self.exit_code: int | None = None
        self.http = requests.Session()
        self.starts = 0
        self._log_offset = 0
        self.terminated = False
        self._parsed: list[dict] = []
        self._parsed_bytes = 0
        self.port = 0
        self.admin_port = 0
        self.metrics_port = 0

    # -- lifecycle

    def start(self) -> "Host":
        """Starts the process and waits until /healthz answers 200."""
        assert self.process is None or self.process.poll() is not None, "already running"
        for _attempt in range(3):  # another process may grab the free port first
            self.port = free_port()
            self.admin_port = free_port()
            self.metrics_port = free_port()
            environment = {k: v for k, v in os.environ.items() if not k.startswith("REEL_")}
            environment.update({
                "REEL_HTTP_HOST": "127.0.0.1",
                "REEL_HTTP_PORT": str(self.port),
                "REEL_ADMIN_ADDR": f"127.0.0.1:{self.admin_port}",
                "REEL_METRICS_ADDR": f"127.0.0.1:{self.metrics_port}",
                "REEL_CONFIG_GRANTS": CONFIG_GRANTS,
                "REEL_DATA_DIR": str(self.data_dir),
                "REEL_PLUGINS_DIR": str(self.plugins_dir),
                "REEL_DATABASE_URL": self.database_url,
                "REEL_PLUGIN_WATCH_SECONDS": WATCH_SECONDS,
                # Every test registers from 127.0.0.1: lift the per-address
                # registration limit (tests of the limit set their own).
                "REEL_AUTH_REGISTER_LIMIT": "1000000",
            })
            environment.update(self.extra_env)
            self.starts += 1
            self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen([str(self.reel.bin), "serve"], env=environment, cwd=self.root,
                                                stdin=subprocess.DEVNULL, stdout=log, stderr=log)
            self.exit_code = None
            self.terminated = False
            if self._wait_healthy():
                return self
            if "cannot listen" not in self.log_text(since_start=True):
                break
        raise AssertionError(f"the host did not become healthy; exit code {self.process.poll()}; "
                             f"log:\n{self.log_text(since_start=True)[-4000:]}")

    def _wait_healthy(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.exit_code = self.process.returncode
                return False
            try:
                if requests.get(self.url("/healthz"), timeout=2).status_code == 200:
                    return True
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        return False

    def terminate(self) -> None:
        """Sends SIGTERM (graceful stop) without waiting."""
        assert self.process is not None
        self.terminated = True
        self.process.send_signal(signal.SIGTERM)

    def wait_exit(self, timeout: float = STOP_TIMEOUT) -> int:
        try:
            self.exit_code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the host did not exit within {timeout} s of SIGTERM; "
                                 f"log tail:\n{self.log_text()[-3000:]}")
        return self.exit_code

    def stop(self) -> None:
        """SIGTERM; asserts a clean exit (code 0) within 20 s."""
        if self.process is None or self.exit_code is not None:
            return
        if self.process.poll() is not None and not self.terminated:
            self.exit_code = self.process.returncode
            raise AssertionError(f"the host died before the end of the test (exit code {self.exit_code}):\n"
                                 f"{self.crash_report()}")
        if not self.terminated:
            self.terminate()
        code = self.wait_exit()
        self.http.close()
        assert code == 0, f"the host exited with {code} after SIGTERM; log tail:\n{self.log_text()[-3000:]}"

    def restart(self) -> "Host":
        self.stop()
        return self.start()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # -- HTTP

    def url(self, path: str) -> str:
        """The public listener's URL for `path` (there, /admin/... is 404)."""
        return f"http://127.0.0.1:{self.port}{path}"

    def admin_url(self, path: str) -> str:
        """The admin listener's URL (REEL_ADMIN_ADDR, loopback only)."""
        return f"http://127.0.0.1:{self.admin_port}{path}"

    def metrics_url(self, path: str = "/metrics") -> str:
        """The metrics listener's URL (REEL_METRICS_ADDR, loopback here)."""
        return f"http://127.0.0.1:{self.metrics_port}{path}"

    @staticmethod
    def is_admin_path(path: str) -> bool:
        return path == "/admin" or path.startswith("/admin/")

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """A request to the host: /admin/... goes to the admin listener (the
        operator's port), everything else to the public one."""
        kwargs.setdefault("timeout", 30)
        url = self.admin_url(path) if self.is_admin_path(path) else self.url(path)
        return self.http.request(method, url, **kwargs)

    def public_request(self, method: str, path: str, **kwargs) -> requests.Response:
        """A request to the public listener, whatever the path."""
        kwargs.setdefault("timeout", 30)
        return self.http.request(method, self.url(path), **kwargs)

    def bus_call(self, method: str, request) -> tuple[int, str, bytes]:
        """`package.Service/Method` called over the bus through the test-only
        bus-probe plugin (a host fixture, Tests/Fixtures/bus-probe), which
        reaches internal methods too: (bus status, its message, the response
        bytes). `request` is a protobuf message or its bytes."""
        data = request if isinstance(request, bytes) else request.SerializeToString()
        response = self.post(f"/test/call/{method}", data=data)
        assert response.status_code == 200, response.text
        return int(response.headers["Reel-Bus-Status"]), response.headers.get("Reel-Bus-Message", ""), response.content

    def bus_events(self, protos, topic: str, message: str) -> list:
        """The events on `topic` the bus-probe plugin recorded, decoded as `message`."""
        listed = self.get("/test/events").json()["events"]
        return [protos.message(message).FromString(bytes.fromhex(e["payload"])) for e in listed if e["topic"] == topic]

    def admin_plugins(self) -> list[dict]:
        """GET /admin/plugins on the admin listener: what is loaded."""
        response = self.request("GET", "/admin/plugins")
        assert response.status_code == 200, response.text
        return response.json()["plugins"]

    def reload_plugins(self, file: str | None = None) -> requests.Response:
        """POST /admin/plugins/reload on the admin listener (one file, or a rescan)."""
        return self.request("POST", "/admin/plugins/reload", params={"file": file} if file else None)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def readyz(self) -> tuple[int, dict]:
        response = self.get("/readyz")
        return response.status_code, response.json()

    def plugins(self) -> dict[str, dict]:
        """name -> readyz entry (version, generation, sha256, ...)."""
        return {p["name"]: p for p in self.readyz()[1]["plugins"]}

    def assert_healthy(self) -> None:
        assert self.alive, f"the host died:\n{self.crash_report()}"
        assert self.get("/healthz").status_code == 200

    def greet(self, name: str) -> dict:
        response = self.post("/api/v1/hello", json={"name": name})
        assert response.status_code == 200, response.text
        return response.json()

    def echo_stats(self) -> dict:
        response = self.get("/api/v1/echo/stats")
        assert response.status_code == 200, response.text
        return response.json()

    def install_plugin(self, source: Path, name: str | None = None) -> Path:
        target = self.plugins_dir / (name or source.name)
        install_file(source, target)
        return target

    # -- logs

    def crash_report(self) -> str:
        """What the log says about the host's end: from a crash backtrace (the
        Swift runtime prints one) the headline and the threads that crashed or
        run host code, else the log's tail."""
        text = self.log_text()
        start = text.find("*** Signal")
        if start < 0:
            return text[-3000:]
        report = text[start:]
        for section in ("\nRegisters:", "\nImages"):
            cut = report.find(section)
            if cut >= 0:
                report = report[:cut]
        head, *threads = report.split("\nThread ")
        kept = [t for t in threads if "crashed" in t.splitlines()[0] or ".swift:" in t]
        return "\n".join([head.strip()] + ["Thread " + t.strip() for t in kept])[:8000]

    def log_text(self, since_start: bool = False) -> str:
        if not self.log_path.exists():
            return ""
        data = self.log_path.read_bytes()
        if since_start:
            data = data[self._log_offset:]
        return data.decode("utf-8", "replace")

    def logs(self) -> list[dict]:
        """Every complete log line so far (all runs of this host), parsed once;
        non-JSON lines come back as {"raw": ...}."""
        if not self.log_path.exists():
            return self._parsed
        with open(self.log_path, "rb") as f:
            f.seek(self._parsed_bytes)
            data = f.read()
        end = data.rfind(b"\n") + 1  # a line still being written waits for the next call
        for line in data[:end].decode("utf-8", "replace").splitlines():
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                entry = None
            self._parsed.append(entry if isinstance(entry, dict) else {"raw": line})
        self._parsed_bytes += end
        return self._parsed

    def find_logs(self, predicate: Callable[[dict], bool]) -> list[dict]:
        return [e for e in self.logs() if predicate(e)]

    def wait_for_log(self, predicate: Callable[[dict], bool], timeout: float = 15, what: str = "a log line") -> dict:
        def found():
            matches = self.find_logs(predicate)
            return matches[0] if matches else None
        try:
            return wait_until(found, timeout=timeout, what=what)
        except AssertionError as error:
            raise AssertionError(f"{error}; log tail:\n{self.log_text()[-3000:]}") from None


def msg(entry: dict) -> str:
    return str(entry.get("msg", entry.get("raw", "")))


# ---------------------------------------------------------------------------
# Fixtures (every suite gets them through reeltest.fixtures)


class HostStarter:
    """Starts hosts for one scope; stops them all (and checks exit 0) at its end."""

    def __init__(self, env: ReelEnv, root: Path):
        self.env = env
        self.root = root
        self.hosts: list[Host] = []

    def __call__(self, plugins=("hello", "hello-c"), *, fixtures=(), env=None, database_url=None,
                 data_dir: Path | None = None, start: bool = True) -> Host:
        root = self.root / f"host{len(self.hosts)}"
        host = Host(self.env, root, plugins=tuple(plugins), fixtures=tuple(fixtures), extra_env=dict(env or {}),
                    database_url=database_url, data_dir=data_dir)
        self.hosts.append(host)
        return host.start() if start else host

    def stop_all(self) -> None:
        errors = []
        for host in self.hosts:
            try:
                host.stop()
            except AssertionError as error:
                errors.append(str(error))
        if errors:
            pytest.fail("\n\n".join(errors))


@contextmanager
def new_database(env: ReelEnv, root: Path) -> Iterator[tuple[HostStarter, str]]:
    """A fresh database and a HostStarter for a fixture's scope: yields
    (starter, database URL); at the end every host started stops (a clean
    exit checked) and the database is dropped."""
    name, url = env.create_database()
    starter = HostStarter(env, root)
    try:
        yield starter, url
    finally:
        try:
            starter.stop_all()
        finally:
            env.drop_database(name)


@pytest.fixture(scope="session")
def reel_env(tmp_path_factory) -> ReelEnv:
    env = make_env(tmp_path_factory.mktemp("reel-session"))
    yield env
    env.drop_database(env.database_name)


@pytest.fixture
def start_host(reel_env, tmp_path) -> HostStarter:
    """`start_host(plugins=("hello", "hello-c"), fixtures=(), env={}, database_url=None)` -> a running Host."""
    starter = HostStarter(reel_env, tmp_path)
    yield starter
    starter.stop_all()


@pytest.fixture(scope="module")
def shared_host(reel_env, tmp_path_factory) -> Host:
    """One host with hello and hello-c for a module's tests that leave no lasting state."""
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("shared-host"))
    host = starter()
    yield host
    starter.stop_all()


@pytest.fixture
def protos(reel_env) -> Protos:
    return reel_env.protos


def unique(prefix: str = "n") -> str:
    """A name no other test uses (greeting counts are per name, in a shared database)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# ---------------------------------------------------------------------------
# Raw HTTP, for what requests/urllib3 would normalise or refuse to send


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]   # lower-cased names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def parse_response(data: bytes) -> RawResponse:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = body[:int(headers["content-length"])]
    return RawResponse(status, headers, body)


def read_response(sock: socket.socket, interim: list[int] | None = None) -> RawResponse:
    """Reads one final (non-1xx) response; the connection must carry no other.
    Interim (1xx) responses are skipped, their statuses added to `interim`."""
    data = b""
    while True:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            if data.startswith(b"HTTP/1.1 1"):
                if interim is not None:
                    interim.append(int(data.split(b" ", 2)[1]))
                data = data[head_end + 4:]
                continue
            response = parse_response(data)
            length = int(response.headers.get("content-length", "-1"))
            if length >= 0 and len(data) - head_end - 4 >= length:
                return response
        chunk = sock.recv(65536)
        if not chunk:
            if head_end < 0:
                raise ConnectionError(f"connection closed before a complete response: {data[:200]!r}")
            return parse_response(data)
        data += chunk


def raw_http(port: int, request: bytes, timeout: float = 30) -> RawResponse:
    """Sends `request` as is on a new connection and reads the response."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        return read_response(sock)


def raw_get(port: int, target: str) -> RawResponse:
    return raw_http(port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())


def chunked(body: bytes, size: int = 1024) -> bytes:
    """`body` in HTTP/1.1 chunked transfer encoding, terminator included."""
    out = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size))
    return out + b"0\r\n\r\n"
