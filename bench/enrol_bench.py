"""Enrolments per second through the JSON API, at 1, 8 and 32 concurrent clients, on PostgreSQL.

    .venv/bin/python bench/enrol_bench.py [--db jizhou_bench] [--requests 600] [--capacity 150] [--workers 4]

What it does:
1. (Re)creates the PostgreSQL database `--db` and migrates it (never touches another database).
2. Builds a catalogue (home → catalogue → school → course) and `--requests` residents per level,
   each with an API token (Wagtail APIToken, hashed), through the ORM.
3. Starts gunicorn on 127.0.0.1 with `--workers` sync workers (DEBUG off), like production.
4. For each concurrency level: a fresh class with `--capacity` seats; every resident POSTs
   /api/v1/classes/{id}/enrolments once with their Bearer token, from N client threads
   (keep-alive connections); wall time, enrolments/s and latency percentiles are printed.
5. Checks the invariant in the database after each level: every request answered 201; exactly
   `capacity` enrolled holding seats = seats_taken; the rest waitlisted; arrival numbers 1..n
   without gaps; one enrolment per resident.

The client threads share the 2 CPU cores with gunicorn and PostgreSQL, so the figures are the
whole stack on one small machine, not the server alone.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SECRET = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="jizhou_bench")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server, without database name")
    parser.add_argument("--requests", type=int, default=600, help="enrolment requests (= residents) per level")
    parser.add_argument("--capacity", type=int, default=150)
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    return parser.parse_args()


def recreate_database(args):
    import psycopg

    assert args.db.startswith("jizhou_bench"), "refusing to drop a database not named jizhou_bench*"
    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.db}"')


def setup_django(env):
    os.environ.update(env)
    import django

    django.setup()


def build_data(args, levels):
    from django.contrib.auth.models import Group
    from wagtail.models import APIToken

    from accounts.models import User
    from accounts.roles import RESIDENT
    from tests.factories import course_class, course_page, provider_page, site_tree

    _home, catalogue = site_tree()
    school = provider_page(catalogue, "罗庄子镇成人文化技术学校")
    classes = {}
    for level in levels:
        course = course_page(
            school,
            title=f"智能手机使用（并发{level}）",
            classes=[course_class(capacity=args.capacity, label=f"并发{level}班")],
        )
        classes[level] = course.classes.get().pk
    resident = Group.objects.get(name=RESIDENT)
    tokens = {}
    for level in levels:
        users = User.objects.bulk_create(
            [User(phone=f"13{level:02d}{i:07d}"[:11], display_name=f"居民{level}-{i}") for i in range(args.requests)]
        )
        resident.user_set.add(*users)
        tokens[level] = [APIToken.create_token(user=u, name="bench")[1] for u in users]
    return classes, tokens


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args, env):
    args.port = args.port or free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "jizhou.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited (port {args.port} taken?)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def warm_up(args, class_id: int, *, workers: int):
    """A few reads per worker so imports and connections are made before the clock starts."""
    for _ in range(workers * 5):
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        conn.request("GET", f"/api/v1/classes/{class_id}")
        conn.getresponse().read()
        conn.close()


def run_level(args, class_id: int, tokens: list[str], concurrency: int):
    statuses, latencies, lock = [], [], threading.Lock()
    chunks = [tokens[i::concurrency] for i in range(concurrency)]
    barrier = threading.Barrier(concurrency + 1)

    def client(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        barrier.wait()
        for token in chunk:
            started = time.perf_counter()
            conn.request(
                "POST",
                f"/api/v1/classes/{class_id}/enrolments",
                headers={"Authorization": f"Bearer {token}", "Content-Length": "0"},
            )
            response = conn.getresponse()
            response.read()
            with lock:
                statuses.append(response.status)
                latencies.append(time.perf_counter() - started)
        conn.close()

    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return statuses, latencies, elapsed


def check_invariant(args, class_id: int, n: int, statuses: list[int]) -> list[str]:
    from courses.models import CourseClass
    from enrolment.models import Enrolment

    problems = []
    if statuses.count(201) != n:
        problems.append(f"{n - statuses.count(201)} requests not answered 201: {sorted(set(statuses))}")
    course_class = CourseClass.objects.get(pk=class_id)
    enrolments = list(Enrolment.objects.filter(course_class_id=class_id).order_by("arrival"))
    seated = [e for e in enrolments if e.status == "enrolled" and e.holds_seat]
    waiting = [e for e in enrolments if e.status == "waitlisted"]
    expected_seated = min(args.capacity, n)
    if len(seated) != expected_seated or course_class.seats_taken != expected_seated:
        problems.append(f"seated {len(seated)}, seats_taken {course_class.seats_taken}, expected {expected_seated}")
    if len(waiting) != n - expected_seated:
        problems.append(f"waitlisted {len(waiting)}, expected {n - expected_seated}")
    if [e.arrival for e in enrolments] != list(range(1, n + 1)):
        problems.append("arrival numbers are not 1..n")
    if [e.status for e in enrolments] != ["enrolled"] * expected_seated + ["waitlisted"] * (n - expected_seated):
        problems.append("seats did not go to the first arrivals")
    if len({e.learner_id for e in enrolments}) != len(enrolments):
        problems.append("a resident has two enrolments")
    return problems


def main():
    args = parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    env = {
        "DATABASE_URL": f"{args.pg}/{args.db}",
        "DJANGO_SETTINGS_MODULE": "jizhou.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
    }
    print(f"database {args.db}: recreating and migrating…", flush=True)
    recreate_database(args)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )
    setup_django(env)
    started = time.perf_counter()
    classes, tokens = build_data(args, levels)
    print(
        f"data: {len(levels)} classes × {args.capacity} seats, {args.requests} residents with tokens per level "
        f"({time.perf_counter() - started:.0f}s)",
        flush=True,
    )
    server = start_server(args, env)
    warm_up(args, classes[levels[0]], workers=args.workers)
    failed = False
    try:
        print("\n| clients | requests | seconds | enrolments/s | p50 ms | p95 ms | invariant |")
        print("|---:|---:|---:|---:|---:|---:|---|")
        for level in levels:
            statuses, latencies, elapsed = run_level(args, classes[level], tokens[level], level)
            problems = check_invariant(args, classes[level], args.requests, statuses)
            failed |= bool(problems)
            quantiles = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else [latencies[0]] * 19
            print(
                f"| {level} | {len(statuses)} | {elapsed:.2f} | {len(statuses) / elapsed:.0f} | "
                f"{statistics.median(latencies) * 1000:.0f} | {quantiles[18] * 1000:.0f} | "
                f"{'ok' if not problems else '; '.join(problems)} |",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
