"""One enrolment and one authenticated read, profiled in-process as production runs them (issue 14).

    .venv/bin/python bench/enrol_profile.py --db jizhou_bench_h3 --redis redis://127.0.0.1:6379/3 [--cprofile 25]

Needs a bench database set up by bench/load_bench.py (its residents' tokens in var/bench-load-<db>/bench-data.json).
The WSGI application is called directly (no server, no sockets) with `DJANGO_DEBUG=0`, PostgreSQL and Redis, the
environment gunicorn gets from load_bench.py. A fresh course with one class of `--seats` seats is made; then
`--requests` residents (not yet in it) POST /api/v1/classes/{id}/enrolments one after another (the first ones
seated, the rest waitlisted), and as many GET /api/v1/me/enrolments. Reported per request kind: wall time and CPU
time (median), SQL statements and the time spent in them, Redis commands; with --cprofile N, the N functions with
the most cumulative time over all requests of each kind.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_bench import server_env, shell_json, var_dir  # noqa: E402

# A class of its own (not titled like the rush's, whose history bench/load_bench.py keeps at one earlier rush).
PROFILE_CLASS = r"""
import json
from courses.models import ProviderPage
from tests.factories import course_class, course_page
school = ProviderPage.objects.live().order_by("path").first()
course = course_page(school, title="智能手机入门（剖析）", classes=[course_class(capacity=SEATS)])
print(json.dumps(course.classes.get().pk))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="jizhou_bench")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--seats", type=int, default=60)
    parser.add_argument("--requests", type=int, default=120, help="enrolments (and reads) profiled")
    parser.add_argument("--cprofile", type=int, default=0, help="print the top N functions by cumulative time")
    parser.add_argument(
        "--prepared", action="store_true", help="server-side binding with prepared statements (psycopg 3), to compare"
    )
    parser.add_argument("--sql", action="store_true", help="print the statements of one enrolment and one read")
    return parser.parse_args()


class Recorder:
    """SQL statements (django's execute_wrapper) and Redis commands (redis-py's connection) of one request."""

    def __init__(self):
        self.statements: list[tuple[str, float]] = []
        self.redis_commands = 0
        self.lock_at = self.committed_at = None

    def reset(self):
        self.statements, self.redis_commands, self.lock_at, self.committed_at = [], 0, None, None

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        if self.lock_at is None and "FOR UPDATE" in sql:
            self.lock_at = started
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, time.perf_counter() - started))


def wsgi_environ(method: str, path: str, token: str) -> dict:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "CONTENT_LENGTH": "0",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def forget_class(class_id: int) -> None:
    """Delete the profiled class's enrolments and their "registered" statements, so the residents' history (what
    the read in bench/load_bench.py lists) is the same after a profile as before it."""
    from enrolment.models import Enrolment
    from records.models import XapiStatement

    XapiStatement.objects.filter(verb="registered", statement__object__id__endswith=f"/class/{class_id}").delete()
    Enrolment.objects.filter(course_class_id=class_id).delete()


def main():
    args = parse_args()
    data = json.loads((var_dir(args.db) / "bench-data.json").read_text())
    rush_class = shell_json(args, PROFILE_CLASS.replace("SEATS", str(args.seats)))
    os.environ.update(server_env(args, PAGE_CACHE_SECONDS="300"))

    import django

    django.setup()
    import redis.connection
    from django.db import connection, connections

    from jizhou.wsgi import application

    if args.prepared:
        connections["default"].settings_dict["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
        connections["default"].close()

    recorder = Recorder()
    send = redis.connection.AbstractConnection.send_command

    def counted_send(self, *a, **kw):
        recorder.redis_commands += 1
        return send(self, *a, **kw)

    redis.connection.AbstractConnection.send_command = counted_send
    backend = type(connections["default"])
    commit = backend.commit

    def timed_commit(self):
        started = time.perf_counter()
        commit(self)
        recorder.committed_at = time.perf_counter()
        recorder.statements.append(("COMMIT", recorder.committed_at - started))

    backend.commit = timed_commit

    def call(method: str, path: str, token: str) -> tuple[float, float, float, float]:
        """Wall and CPU time of one request; for an enrolment also the time before the class lock and under it."""
        status = []
        started, cpu = time.perf_counter(), time.process_time()
        body = b"".join(application(wsgi_environ(method, path, token), lambda s, h, *a: status.append(s)))
        ended, cpu = time.perf_counter(), time.process_time() - cpu
        code = int(status[0].split()[0])
        assert code < 400, (code, body[:300])
        before_lock = (recorder.lock_at or started) - started
        under_lock = recorder.committed_at - recorder.lock_at if recorder.lock_at and recorder.committed_at else 0
        return ended - started, cpu, before_lock, under_lock

    tokens = data["tokens"][: args.requests + 2]
    kinds = {
        "enrol": ("POST", f"/api/v1/classes/{rush_class}/enrolments"),
        "read": ("GET", "/api/v1/me/enrolments"),
    }
    # Warm up: imports, URL resolvers, templates, the first connections.
    call("GET", "/api/v1/me/enrolments", tokens[-1])
    call("POST", kinds["enrol"][1], tokens[-1])
    figures = {}
    for kind, (method, path) in kinds.items():
        profiler = cProfile.Profile() if args.cprofile else None
        walls, cpus, sql_counts, sql_times, redis_counts, befores, unders = [], [], [], [], [], [], []
        for i, token in enumerate(tokens[: args.requests]):
            recorder.reset()
            with connection.execute_wrapper(recorder):
                if profiler:
                    profiler.enable()
                wall, cpu, before_lock, under_lock = call(method, path, token)
                if profiler:
                    profiler.disable()
            walls.append(wall)
            befores.append(before_lock)
            unders.append(under_lock)
            cpus.append(cpu)
            sql_counts.append(len(recorder.statements))
            sql_times.append(sum(t for _s, t in recorder.statements))
            redis_counts.append(recorder.redis_commands)
            if args.sql and i == args.seats + 5:  # a waitlisted enrolment; a read of a resident with history
                print(f"\n--- statements of one {kind} ---")
                for sql, spent in recorder.statements:
                    print(f"{spent * 1000:7.2f} ms  {sql[:220]}")
        figures[kind] = {
            "wall_ms": round(statistics.median(walls) * 1000, 2),
            "cpu_ms": round(statistics.median(cpus) * 1000, 2),
            "sql": statistics.median(sql_counts),
            "sql_ms": round(statistics.median(sql_times) * 1000, 2),
            "redis": statistics.median(redis_counts),
            "before_lock_ms": round(statistics.median(befores) * 1000, 2),
            "under_lock_ms": round(statistics.median(unders) * 1000, 2),
        }
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.cprofile)
            print(f"\n--- cProfile, {args.requests} × {kind} ---\n{out.getvalue()}")
    forget_class(rush_class)
    print(
        "\n| request | wall ms (median) | CPU ms | SQL statements | SQL ms | Redis commands "
        "| until the class lock ms | class lock held ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind, f in figures.items():
        print(
            f"| {kind} | {f['wall_ms']} | {f['cpu_ms']} | {f['sql']} | {f['sql_ms']} | {f['redis']} "
            f"| {f['before_lock_ms']} | {f['under_lock_ms']} |"
        )
    enrol, read = figures["enrol"], figures["read"]
    print(f"\nCPU of an enrolment ÷ CPU of a read: {enrol['cpu_ms'] / read['cpu_ms']:.2f}")


if __name__ == "__main__":
    main()
