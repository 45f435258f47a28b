"""A production-like server over the demo district, for the front-end budgets (page_weight.py, lighthouse.py).

DEBUG off, gunicorn, static files collected and served pre-compressed by WhiteNoise, HTML gzip-compressed
by Django: what a phone on the internet receives. Its own SQLite database and files live under
`--var` (default var/bench-frontend/), prepared once (migrate, load_demo, collectstatic) and reused.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VAR = ROOT / "var" / "bench-frontend"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def server_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        DJANGO_DEBUG="0",
        SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_HTTPS="0",  # plain HTTP on loopback; cookies must not be Secure-only here
        ALLOWED_HOSTS="127.0.0.1,localhost",
        JIZHOU_VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
    )
    return env


def prepare(var_dir: Path, *, fresh: bool = False) -> None:
    """Migrate, load the demo district and collect static files (skipped when already done)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    marker = var_dir / ".prepared"
    if fresh:
        marker.unlink(missing_ok=True)
        (var_dir / "jizhou.sqlite3").unlink(missing_ok=True)
    env = server_env(var_dir)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    if not marker.exists():
        subprocess.run([PYTHON, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        marker.touch()
    # Always re-collect: the CSS/JS under test may have changed since the last run.
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "--clear", "-v0"], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(var_dir: Path = DEFAULT_VAR, *, workers: int = 2):
    """Start gunicorn on a free loopback port; yield its base URL; stop it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [
            GUNICORN,
            "jizhou.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env(var_dir),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()  # noqa: S310 (loopback only)
                break
            except OSError:
                if process.poll() is not None:
                    sys.exit("gunicorn exited; see its output above")
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not answer within 20 s")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def demo_urls(var_dir: Path) -> dict[str, str]:
    """The key pages, found in the demo data (paths, relative to the server)."""
    code = (
        "from courses.models import CoursePage, CourseIndexPage, Category;"
        "c = CourseIndexPage.objects.live().first();"
        "pear = CoursePage.objects.live().filter(title__contains='梨').order_by('path').first();"
        "cat = Category.objects.get(name='农业技术');"
        "print(c.url); print(pear.url); print(cat.slug)"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=server_env(var_dir),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    catalogue, course, category = out[-3:]
    return {
        "home": "/",
        "catalogue": f"{catalogue}?category={category}",
        "course": course,
        "search": "/search/?q=梨",
    }
