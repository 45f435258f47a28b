"""Real services these tests stop and start, each on its own free port — never the shared PostgreSQL (5432) or
Redis (6379) other test runs use: a throwaway Redis, a private PostgreSQL cluster, and small HTTP servers that
stand for an SMS gateway or a learning record store and can answer, fail (500) or hang.
"""

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis

from jizhou.celery import app as celery_app
from tests.processes import free_port, wait_for

PG_BIN = Path("/usr/lib/postgresql/15/bin")


# --- Redis ----------------------------------------------------------------------------------------------------


class ThrowawayRedis:
    """`redis-server` on a free port with no persistence: stopping it loses everything, like a crash."""

    def __init__(self):
        if not shutil.which("redis-server"):
            pytest.fail("redis-server is not installed: the fault tests need a Redis they can stop")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, 10, f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def queued(self, queue: str = "celery", db: int = 0) -> list[dict]:
        """The Celery messages waiting on `queue`: their task names and arguments."""
        raw = redis.Redis(port=self.port, db=db).lrange(queue, 0, -1)
        messages = [json.loads(item) for item in raw]
        return [{"task": m["headers"]["task"], "args": m["headers"].get("argsrepr", "")} for m in messages]


@pytest.fixture(scope="module")
def throwaway_redis() -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_cache(settings, throwaway_redis):
    """The site's cache on the throwaway Redis, configured as in production (django-redis, short timeouts)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": throwaway_redis.url(1),
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        },
        "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "renditions"},
    }
    if not throwaway_redis.process:
        throwaway_redis.start()
    yield throwaway_redis
    if not throwaway_redis.process:
        throwaway_redis.start()


def _forget_broker_connections() -> None:
    # Celery keeps its producer pool once built; drop it so the next message goes to the broker set now.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(settings, throwaway_redis):
    """This process queues onto the throwaway Redis (as production does), not eagerly in-process."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=throwaway_redis.url(0), task_always_eager=False)
    settings.CELERY_BROKER_URL = throwaway_redis.url(0)
    _forget_broker_connections()
    if not throwaway_redis.process:
        throwaway_redis.start()
    redis.Redis(port=throwaway_redis.port).flushall()
    yield throwaway_redis
    celery_app.conf.update(saved)
    _forget_broker_connections()
    if not throwaway_redis.process:
        throwaway_redis.start()


# --- HTTP servers standing for the SMS gateway and the LRS ------------------------------------------------------


class FakeService:
    """A threaded HTTP server that records every POST and answers as told: "ok", "fail" (500) or "hang"."""

    def __init__(self):
        self.mode = "ok"
        self.hang_seconds = 3.0
        self.received: list[dict] = []  # every request that reached us: path, headers, body, answered status
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/"

    def answered(self, status: int = 200) -> list[dict]:
        with self.lock:
            return [r for r in self.received if r["status"] == status]

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: bytes = b"{}") -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                self._answer(500 if service.mode == "fail" else 200, b'{"version": ["1.0.3"]}')

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                mode = service.mode
                status = {"ok": 200, "fail": 500, "hang": 0}[mode]
                with service.lock:
                    service.received.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body, "status": status}
                    )
                if mode == "hang":
                    time.sleep(service.hang_seconds)  # the client gives up first
                    return
                self._answer(status, b'["ok"]' if status == 200 else b'{"error": "down"}')

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def fake_service() -> Iterator[FakeService]:
    service = FakeService()
    service.thread.start()
    yield service
    service.server.shutdown()
    service.server.server_close()


# --- PostgreSQL -----------------------------------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL 15 cluster of our own in a temporary directory, on a free port, that we may restart."""

    def __init__(self, root: Path):
        self.root, self.data, self.port = root, root / "data", free_port()
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_postgres, *args], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync", "--no-instructions")  # fmt: skip

    def _ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off"
        )
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                  "-w", "-t", "30", action, *extra)  # fmt: skip

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")  # every open connection is cut, as in a failover or an upgrade

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="module")
def private_postgres() -> Iterator[PrivatePostgres]:
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL 15 server binaries are not in {PG_BIN}: the restart test needs its own cluster")
    root = Path(tempfile.mkdtemp(prefix="jizhou-pg-"))
    cluster = PrivatePostgres(root)
    cluster.init()
    cluster.start()
    try:
        yield cluster
    finally:
        subprocess.run([*cluster._as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(cluster.data), "stop", "-m",
                        "immediate"], capture_output=True, timeout=30)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)
