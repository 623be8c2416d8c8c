"""What every benchmark script shares: loopback ports, psql, waiting for a
host to be ready, and stopping what it started (on a normal end, Ctrl-C, SIGTERM or SIGHUP)."""
import os
import signal
import socket
import subprocess
import sys
import time

import requests


class Stopped(Exception):
    """SIGTERM (or SIGHUP) arrived: unwind so that everything started is stopped."""


def on_signal(signum, _frame):
    raise Stopped(f"signal {signum}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(url: str, sql: str) -> str:
    return subprocess.run(["psql", url, "-X", "-v", "ON_ERROR_STOP=1", "-Atqc", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


def stop(process, how, what):
    """Stops a process this script started (its own session: only it and its children)."""
    if process is None or process.poll() is not None:
        return
    try:
        process.send_signal(how)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        print(f"{what} did not stop; killing it", file=sys.stderr)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_ready(base: str, process=None, log: str | None = None, tries: int = 300) -> None:
    """Waits until GET /readyz answers 200 (0.1 s apart); exits with a clear
    message if the host ends first or never gets ready."""
    for _ in range(tries):
        try:
            if requests.get(base + "/readyz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if process is not None and process.poll() is not None:
            sys.exit(f"the host exited ({process.returncode})" + (f"; see {log}" if log else ""))
        time.sleep(0.1)
    sys.exit("the host did not become ready")
