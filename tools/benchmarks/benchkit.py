"""What every benchmark script shares: loopback ports, psql, and stopping
what it started (on a normal end, Ctrl-C, SIGTERM or SIGHUP)."""
import os
import signal
import socket
import subprocess
import sys


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
