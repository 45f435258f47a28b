"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py jizhou.wsgi:application`.

The defaults were chosen by measurement (docs/BENCHMARKS.md, "Load, side by side"): on a 2-core machine,
threaded workers (`gthread`) keep connections alive and overlap a request's waits on PostgreSQL and Redis
with another request's Python work, where sync workers close every connection and sit idle during each wait.
Each can be overridden from the environment without editing this file.
"""

import os
import sys

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# One process per core; threads cover the waits on the database and Redis.
workers = int(os.environ.get("GUNICORN_WORKERS", str(os.cpu_count() or 2)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Phones on village Wi-Fi reuse their connection for the page's CSS and JS.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Each worker its own listening socket (SO_REUSEPORT), so the kernel spreads connections over the workers. With one
# shared socket the first worker to wake can take every keep-alive connection of a burst and serve them alone on one
# core: anonymous pages at 0.28 of a static file instead of 0.97-0.99 (docs/BENCHMARKS.md, quiet rerun 2026-12-02).
reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "1") == "1"
# How long a thread may hold Python's GIL while another waits for it, in seconds (Python's own default, 0.005, when
# unset). A request whose database answer has arrived may wait that long while a neighbour thread runs Python, and
# an enrolment makes four round trips while it holds its class's row lock. On the shared 2-core box 0.001 against
# 0.005 did not separate beyond the run-to-run spread (docs/BENCHMARKS.md, "Enrolment rush, profiled"): kept as a
# knob for a quiet rerun, not changed.
switch_interval = os.environ.get("GUNICORN_SWITCH_INTERVAL", "")


def post_worker_init(worker):
    if switch_interval:
        sys.setswitchinterval(float(switch_interval))


timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Workers are not recycled (0): the 30-minute soak in BENCHMARKS.md shows their memory flat, and a fresh worker's
# first requests are slow (imports, the word-segmentation dictionary). Set it to guard against a future leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "0"))
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "warning")
