"""Servers the tests start themselves (a Celery worker, an LRS, a throwaway Redis or PostgreSQL, gunicorn): a free
port to put them on, waiting for them to be ready, and stopping them."""

import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, log: Path | None = None) -> None:
    """Poll `predicate` until it is true; fail naming `what` (and the tail of `log`) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    tail = f"\n{log.read_text()[-3000:]}" if log else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}{tail}")


def stop_process(process: subprocess.Popen, timeout: float) -> None:
    """Ask it to stop; kill it if it has not within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
