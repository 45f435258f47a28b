"""Load, measured side by side: the site served as production serves it, driven by `wrk` over loopback.

    .venv/bin/python bench/load_bench.py                      # set-up from scratch, then pages + rush
    .venv/bin/python bench/load_bench.py --skip-setup --scenarios soak --soak-minutes 30 --soak-rate 10

Set-up, from scratch (skipped with --skip-setup, reusing the last one):
1. (Re)creates the PostgreSQL database `--db` (must be named jizhou_bench*) and migrates it; empties Redis
   database `--redis` (only that one); loads the demo district (`load_demo`), adds `--residents` residents
   with API tokens and 21 bench classes (one of `--seats` seats, and 20 more); `collectstatic`.
2. Starts gunicorn (deploy/gunicorn.conf.py; worker class, workers and threads from the options),
   `DJANGO_DEBUG=0`, Redis as cache and Celery broker, and a Celery worker.
Scenarios (wrk 4 from Debian, `apt-get install wrk`; Lua scripts written to a temporary folder):
- `pages`: a static file through WhiteNoise, then home, catalogue and a course page, anonymous: req/s of
  each page as a ratio to the static file's req/s on the same server; per run, how the page cache answered
  (X-Page-Cache: hit, miss, stale) and the CPU seconds each gunicorn worker used (a run whose keep-alive
  connections were mostly accepted by one worker gets one core: compare that column before blaming the page).
- `rush`: an authenticated read (GET /api/v1/me/enrolments, each request a different resident's token), then
  every resident POSTs /api/v1/classes/{id}/enrolments once: all on the one class, then spread over 20 classes.
  enrolments/s as a ratio to the read's req/s; oversold (DB count), errors (non-2xx, socket errors), p99.
- `soak`: `--soak-rate` requests/s, open loop, mixed (6/10 anonymous pages and the CSS, 2/10 API reads,
  1/10 enrol + cancel, 1/10 the course list API), for `--soak-minutes`;
  every minute the RSS of each gunicorn worker and the number of PostgreSQL connections to the database.
Everything started is stopped at the end.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")
VAR = ROOT / "var" / "bench-load"  # per database: var/bench-load-<db> for any --db but the default
SECRET = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
BENCH_PHONE_PREFIX = "166"  # no demo person uses 166…


def var_dir(db: str) -> Path:
    """Runtime files and the set-up's data, apart for each bench database (several people may bench at once)."""
    return VAR if db == "jizhou_bench" else VAR.with_name(f"bench-load-{db}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="jizhou_bench")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server, without database name")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5", help="a Redis database this bench may empty")
    parser.add_argument("--scenarios", default="pages,rush", help="comma-separated: pages, rush, soak")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the database and data of the last run")
    parser.add_argument("--residents", type=int, default=500)
    parser.add_argument("--seats", type=int, default=60, help="seats of each bench class")
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument(
        "--reuse-port",
        default="config",
        choices=["config", "on", "off"],
        help="each worker its own SO_REUSEPORT socket (on), one shared socket (off), or as deploy/gunicorn.conf.py",
    )
    parser.add_argument(
        "--switch-interval",
        default="config",
        help="seconds a gunicorn worker thread may hold the GIL (sys.setswitchinterval), or as deploy/gunicorn.conf.py",
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk connections for pages and reads")
    parser.add_argument("--rush-clients", type=int, default=32, help="concurrent residents in the rush")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each throughput run")
    parser.add_argument("--page-cache", default="on", choices=["on", "off", "both"])
    parser.add_argument("--soak-minutes", type=float, default=30)
    parser.add_argument("--soak-rate", type=float, default=20, help="requests per second during the soak")
    parser.add_argument("--json", help="also write the figures to this file")
    return parser.parse_args()


def server_env(args, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DATABASE_URL=f"{args.pg}/{args.db}",
        REDIS_URL=args.redis,
        CELERY_BROKER_URL=args.redis,
        DJANGO_SETTINGS_MODULE="jizhou.settings",
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",  # plain HTTP on loopback
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        JIZHOU_VAR_DIR=str(var_dir(args.db)),
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def run(args, *command, **extra):
    subprocess.run([PYTHON, *command], cwd=ROOT, env=server_env(args, **extra), check=True)


# --- Set-up ---------------------------------------------------------------------------------------------------


def recreate(args):
    import psycopg
    import redis

    assert args.db.startswith("jizhou_bench"), "refusing to drop a database not named jizhou_bench*"
    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.db}"')
    redis.Redis.from_url(args.redis).flushdb()


BUILD = r"""
import json
from django.contrib.auth.models import Group
from wagtail.models import APIToken
from accounts.models import User
from accounts.roles import RESIDENT
from courses.models import CourseIndexPage, CoursePage, ProviderPage
from tests.factories import course_class, course_page
n, seats, prefix = BENCH_ARGS
school = ProviderPage.objects.live().order_by("path").first()
soak = course_page(school, title="智能手机入门（长跑）", classes=[course_class(capacity=100000, label="长跑班")])
users = User.objects.bulk_create(
    [User(phone=f"{prefix}{i:08d}", display_name=f"居民{i}") for i in range(n)]
)
Group.objects.get(name=RESIDENT).user_set.add(*users)
tokens = [APIToken.create_token(user=u, name="bench")[1] for u in users]
course = CoursePage.objects.live().exclude(pk=soak.pk).order_by("path").first()
print(json.dumps({
    "soak_class": soak.classes.get().pk,
    "tokens": tokens,
    "catalogue": CourseIndexPage.objects.live().first().url,
    "course": course.url,
    "courses": CoursePage.objects.live().count(),
    "residents": User.objects.count(),
}))
"""


def set_up(args) -> dict:
    print(f"set-up: database {args.db}, Redis {args.redis} (emptied), demo district…", flush=True)
    started = time.perf_counter()
    recreate(args)
    run(args, "manage.py", "migrate", "--noinput", "-v", "0")
    run(args, "manage.py", "load_demo")
    run(args, "manage.py", "collectstatic", "--noinput", "--clear", "-v", "0")
    data = shell_json(args, BUILD.replace("BENCH_ARGS", f"{args.residents}, {args.seats}, {BENCH_PHONE_PREFIX!r}"))
    var_dir(args.db).mkdir(parents=True, exist_ok=True)
    (var_dir(args.db) / "bench-data.json").write_text(json.dumps(data))
    print(
        f"set-up done in {time.perf_counter() - started:.0f} s: {data['courses']} live courses, "
        f"{data['residents']} people ({args.residents} bench residents with tokens)",
        flush=True,
    )
    return data


# --- Processes ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """gunicorn + a Celery worker, started with the bench's environment; stopped by stop()."""

    def __init__(self, args, *, page_cache: bool):
        self.args, self.port = args, free_port()
        env = server_env(
            args,
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_WORKER_CLASS=args.worker_class,
            GUNICORN_WORKERS=str(args.workers),
            GUNICORN_THREADS=str(args.threads),
            PAGE_CACHE_SECONDS="300" if page_cache else "0",
            **({} if args.reuse_port == "config" else {"GUNICORN_REUSE_PORT": "1" if args.reuse_port == "on" else "0"}),
            **({} if args.switch_interval == "config" else {"GUNICORN_SWITCH_INTERVAL": args.switch_interval}),
        )
        self.gunicorn = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "jizhou.wsgi:application"],
            cwd=ROOT,
            env=env,
        )
        self.celery = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "celery"),
                "-A",
                "jizhou",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise

    def _wait_until_answering(self):
        deadline = time.monotonic() + 240  # a cold worker on a busy machine is slow
        while True:
            if self.gunicorn.poll() is not None:
                raise SystemExit("gunicorn exited")
            try:
                if http_get(self.port, "/")[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer within 240 s")
            time.sleep(0.3)

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.gunicorn.pid}/task/{self.gunicorn.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self):
        for process in (self.gunicorn, self.celery):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (self.gunicorn, self.celery):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def http_get(port: int, path: str, headers=None) -> tuple[int, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, dict(response.getheaders())


# --- wrk ------------------------------------------------------------------------------------------------------

# Counts answers by status and by the page cache's X-Page-Cache header (hit, miss, stale; "-" when the cache was
# not asked) and reports them with wrk's own figures as one JSON line.
REPORT_LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses, cached = {}, {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local how = headers["X-Page-Cache"] or "-"
  cached = cached or {}  -- other scripts' init() set only statuses
  cached[how] = (cached[how] or 0) + 1
end
local function summed(name)
  local counts = {}
  for _, thread in ipairs(threads) do
    for k, n in pairs(thread:get(name) or {}) do counts[tostring(k)] = (counts[tostring(k)] or 0) + n end
  end
  local parts = {}
  for k, n in pairs(counts) do table.insert(parts, string.format('"%s": %d', k, n)) end
  return table.concat(parts, ", ")
end
function done(summary, latency, requests)
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %.4f, "errors": %d, "p50": %.1f, "p99": %.1f, "max": %.1f, ' ..
    '"statuses": {%s}, "page_cache": {%s}}\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summed("statuses"), summed("cached")))
end
"""

# Each request carries the next resident's token (reads).
TOKENS_LUA = r"""
local counter = 0
local tokens = {}
function init(args)
  statuses = {}
  for line in io.lines(args[1]) do table.insert(tokens, line) end
  counter = math.random(#tokens)
end
function request()
  counter = counter % #tokens + 1
  return wrk.format("GET", wrk.path, {["Authorization"] = "Bearer " .. tokens[counter]})
end
"""

# The rush: thread k (of n, one connection each) sends the POSTs of residents k, k+n, k+2n…, once each, then stops.
# Only the answers to those POSTs are counted (requests and answers alternate on one connection). wrk's own clock
# runs for the whole -d, so the rush's duration is taken from the database (first to last enrolment).
RUSH_LUA = r"""
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
function init(args)
  statuses = {}
  mine, answered = {}, 0
  local n, i = tonumber(args[2]), 0
  filler = args[3]
  for line in io.lines(args[1]) do
    if i % n == id then table.insert(mine, line) end
    i = i + 1
  end
end
function request()
  -- The next unanswered entry: wrk also calls request() once to inspect it, which must not use a resident up.
  local entry = mine[answered + 1]
  if entry == nil then return wrk.format("GET", filler) end
  local class_id, token = entry:match("(%d+) (.+)")
  return wrk.format("POST", "/api/v1/classes/" .. class_id .. "/enrolments",
    {["Authorization"] = "Bearer " .. token, ["Content-Length"] = "0"})
end
function response(status, headers, body)
  if answered < #mine then statuses[status] = (statuses[status] or 0) + 1 end
  answered = answered + 1
  if answered >= #mine then wrk.thread:stop() end
end
"""


def wrk(
    port: int, path: str, *, seconds: int, connections: int, threads: int = 2, lua: str = "", lua_args=(), headers=()
) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(REPORT_LUA + lua)
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "-s",
        script.name,
    ]
    for header in headers:
        command += ["-H", header]
    command += [f"http://127.0.0.1:{port}{path}", *(["--", *lua_args] if lua_args else [])]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("WRKJSON "))
    figures = json.loads(line[len("WRKJSON ") :])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def show(label: str, f: dict, base: float | None = None) -> str:
    ratio = f" | {f['rps'] / base:.2f}" if base else " | —"
    non2xx = sum(n for s, n in f["statuses"].items() if not s.startswith(("2", "3")))
    return f"| {label} | {f['rps']:.0f}{ratio} | {f['p50']:.0f} | {f['p99']:.0f} | {f['errors']} / {non2xx} |"


# --- Scenarios ------------------------------------------------------------------------------------------------


def worker_cpu_seconds(pids: list[int], *, system_only: bool = False) -> dict[int, float]:
    """User + system CPU seconds each process has used so far (/proc/<pid>/stat, fields 14 and 15), or only the
    system (kernel) part."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        used[pid] = (int(fields[12]) + (0 if system_only else int(fields[11]))) / ticks
    return used


def server_cpu_seconds(args, stack: "Stack") -> dict[str, dict[int, float]]:
    """CPU seconds used so far by each gunicorn worker ("app") and each PostgreSQL backend connected to the bench
    database ("db"). Differences between two snapshots give the CPU a scenario cost the server, whatever else the
    machine was doing meanwhile: on a shared box a better yardstick than requests/s (backends that close during a
    scenario are missed; CONN_MAX_AGE keeps them open)."""
    import psycopg

    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        backends = [
            pid
            for (pid,) in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (args.db,)
            ).fetchall()
        ]
    return {
        "app": worker_cpu_seconds(stack.worker_pids()),
        "db": worker_cpu_seconds(backends),
        "app_kernel": worker_cpu_seconds(stack.worker_pids(), system_only=True),  # in "app" too: JSON only
    }


def cpu_ms_per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
    spent = {part: sum(seconds - before[part].get(pid, 0.0) for pid, seconds in after[part].items()) for part in after}
    return {part: round(seconds * 1000 / max(requests, 1), 2) for part, seconds in spent.items()}


def static_path(port: int) -> str:
    _status, body, _headers = http_get(port, "/")
    return re.search(rb'href="(/static/css/site\.[^"]+\.css)"', body).group(1).decode()


def scenario_pages(args, data, *, page_cache: bool) -> dict:
    stack = Stack(args, page_cache=page_cache)
    results = {}
    try:
        pages = {
            "static file": static_path(stack.port),
            "home": "/",
            "catalogue": data["catalogue"],
            "course": data["course"],
        }
        for path in pages.values():  # warm: imports, connections, and the cache (when on)
            for _ in range(args.workers * args.threads * 2):
                http_get(stack.port, path)
        print(f"\n#### Anonymous pages, page cache {'on' if page_cache else 'off'}\n")
        print(
            "| page | req/s | ratio to static | p50 ms | p99 ms | socket errors / non-2xx "
            "| X-Page-Cache | CPU s per worker |"
        )
        print("|---|---:|---:|---:|---:|---|---|---|")
        base = None
        for name, path in pages.items():
            cpu_before = worker_cpu_seconds(stack.worker_pids())
            figures = wrk(stack.port, path, seconds=args.seconds, connections=args.connections)
            cpu_after = worker_cpu_seconds(stack.worker_pids())
            # Keep-alive connections stay with the worker that accepted them: a run whose connections all went
            # to one worker uses one core, whatever the page costs.
            figures["worker_cpu_seconds"] = [round(cpu_after[pid] - cpu_before.get(pid, 0), 1) for pid in cpu_after]
            base = base or figures["rps"]
            results[name] = figures
            cached = ", ".join(f"{how} {n}" for how, n in sorted(figures["page_cache"].items()))
            cpu = " / ".join(f"{seconds:.1f}" for seconds in figures["worker_cpu_seconds"])
            print(show(name, figures, None if name == "static file" else base) + f" {cached} | {cpu} |", flush=True)
    finally:
        stack.stop()
    return results


def oversold(args, class_ids: list[int]) -> tuple[int, int, int, float]:
    import psycopg

    with psycopg.connect(f"{args.pg}/{args.db}") as conn:
        seated = conn.execute(
            "SELECT course_class_id, count(*) FROM enrolment_enrolment WHERE course_class_id = ANY(%s) "
            "AND holds_seat GROUP BY course_class_id",
            (class_ids,),
        ).fetchall()
        taken = conn.execute(
            "SELECT id, seats_taken, capacity FROM courses_courseclass WHERE id = ANY(%s)", (class_ids,)
        ).fetchall()
        total = conn.execute(
            "SELECT count(*) FROM enrolment_enrolment WHERE course_class_id = ANY(%s)", (class_ids,)
        ).fetchone()[0]
        first, last = conn.execute(
            "SELECT min(created_at), max(created_at) FROM enrolment_enrolment WHERE course_class_id = ANY(%s)",
            (class_ids,),
        ).fetchone()
    seated_by_class = dict(seated)
    over = sum(max(0, seated_by_class.get(pk, 0) - capacity) for pk, _taken, capacity in taken)
    mismatch = sum(1 for pk, seats_taken, _c in taken if seats_taken != seated_by_class.get(pk, 0))
    return over, mismatch, total, (last - first).total_seconds()


# Fresh classes for each rush, so a rerun with --skip-setup starts from empty classes too. The read lists each
# resident's enrolments with their waitlist places, so its cost grows with every earlier rush the residents took
# part in: the enrolments of all but the latest rush are deleted first (with their xAPI statements), and every run
# reads residents with the same history — the previous run's two enrolments each.
RUSH_TITLES = ("智能手机入门（抢报）", "智能手机入门（20个班）")
RUSH_CLASSES = r"""
import json
from courses.models import CourseClass, CoursePage, ProviderPage
from enrolment.models import Enrolment
from records.models import XapiStatement
from tests.factories import course_class, course_page
older = []
for title in RUSH_TITLES:
    older += list(CoursePage.objects.filter(title=title).order_by("-pk").values_list("pk", flat=True))[1:]
for class_id in CourseClass.objects.filter(course_id__in=older).values_list("pk", flat=True):
    XapiStatement.objects.filter(verb="registered", statement__object__id__endswith=f"/class/{class_id}").delete()
    Enrolment.objects.filter(course_class_id=class_id)._raw_delete(Enrolment.objects.db)
school = ProviderPage.objects.live().order_by("path").first()
rush = course_page(school, title=RUSH_TITLES[0], classes=[course_class(capacity=SEATS, label="抢报班")])
spread = course_page(
    school, title=RUSH_TITLES[1],
    classes=[course_class(capacity=SEATS, label=f"{i + 1}班") for i in range(20)],
)
print(json.dumps([rush.classes.get().pk, list(spread.classes.order_by("pk").values_list("pk", flat=True))]))
"""


def shell_json(args, code: str):
    """Run `code` in `manage.py shell` against the bench database; it prints its answer as JSON on its last line."""
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=server_env(args),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def rush_classes(args) -> tuple[int, list[int]]:
    code = RUSH_CLASSES.replace("RUSH_TITLES", repr(RUSH_TITLES)).replace("SEATS", str(args.seats))
    return tuple(shell_json(args, code))


def scenario_rush(args, data) -> dict:
    rush_class, spread_classes = rush_classes(args)
    stack = Stack(args, page_cache=True)
    results = {}
    tokens = data["tokens"]
    folder = Path(tempfile.mkdtemp())
    try:
        (folder / "tokens.txt").write_text("\n".join(tokens) + "\n")
        for _ in range(args.workers * args.threads * 2):
            http_get(stack.port, "/api/v1/me/enrolments", {"Authorization": f"Bearer {tokens[0]}"})
        print(f"\n#### Enrolment rush: {len(tokens)} residents, {args.rush_clients} at a time\n")
        print(
            "| what | req/s | ratio to read | p50 ms | p99 ms | socket errors / non-2xx "
            "| CPU ms per request: app + database (ratio to read) | oversold |"
        )
        print("|---|---:|---:|---:|---:|---|---|---|")
        cpu_before = server_cpu_seconds(args, stack)
        read = wrk(
            stack.port,
            "/api/v1/me/enrolments",
            seconds=args.seconds,
            connections=args.rush_clients,
            threads=2,
            lua=TOKENS_LUA,
            lua_args=[str(folder / "tokens.txt")],
        )
        cpu_after = server_cpu_seconds(args, stack)
        read["cpu_ms"] = cpu_ms_per_request(cpu_before, cpu_after, read["requests"])
        read_cpu = read["cpu_ms"]["app"] + read["cpu_ms"]["db"]
        results["read"] = read
        print(
            show("authenticated read (GET /api/v1/me/enrolments)", read)
            + f" {read['cpu_ms']['app']:.1f} + {read['cpu_ms']['db']:.1f} | |",
            flush=True,
        )
        plans = {
            f"rush, 1 class of {args.seats}": [rush_class] * len(tokens),
            f"rush, 20 classes of {args.seats}": [spread_classes[i % 20] for i in range(len(tokens))],
        }
        for label, class_ids in plans.items():
            order = list(zip(class_ids, tokens, strict=True))
            random.Random(7).shuffle(order)
            plan = folder / "plan.txt"
            plan.write_text("".join(f"{c} {t}\n" for c, t in order))
            cpu_before = server_cpu_seconds(args, stack)
            figures = wrk(
                stack.port,
                "/",
                seconds=120,
                connections=args.rush_clients,
                threads=args.rush_clients,
                lua=RUSH_LUA,
                lua_args=[str(plan), str(args.rush_clients), static_path(stack.port)],
            )
            cpu_after = server_cpu_seconds(args, stack)
            # Per enrolment; each client's few filler requests after its last one (a static file) are counted in.
            figures["cpu_ms"] = cpu_ms_per_request(cpu_before, cpu_after, len(order))
            enrol_cpu = figures["cpu_ms"]["app"] + figures["cpu_ms"]["db"]
            answered = sum(figures["statuses"].values())
            over, mismatch, total, span = oversold(args, sorted(set(class_ids)))
            figures["seconds"] = span
            figures["rps"] = total / span
            figures.update(oversold=over, seat_count_mismatch=mismatch, enrolments=total, answered=answered)
            results[label] = figures
            print(
                show(label, figures, read["rps"])
                + f" {figures['cpu_ms']['app']:.1f} + {figures['cpu_ms']['db']:.1f} ({read_cpu / enrol_cpu:.2f}) |"
                + f" {over} (seat counters off: {mismatch}; "
                f"{total} enrolments for {answered} answers) |",
                flush=True,
            )
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return results


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pg_connections(args) -> int:
    import psycopg

    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (args.db,)).fetchone()[0]


def scenario_soak(args, data) -> dict:
    """A steady, open-loop rate: requests start on schedule whether or not earlier ones have finished."""
    stack = Stack(args, page_cache=True)
    tokens, class_id = data["tokens"], data["soak_class"]
    anonymous = ["/", data["catalogue"], data["course"], f"{data['catalogue']}?page=2", static_path(stack.port)]
    lock = threading.Lock()
    counts = {"requests": 0, "errors": 0, "non2xx": 0}
    latencies: list[float] = []
    local = threading.local()

    def conn():
        if getattr(local, "conn", None) is None:
            local.conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
        return local.conn

    def call(method, path, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if method != "GET":
            headers["Content-Length"] = "0"
        try:
            c = conn()
            c.request(method, path, headers=headers)
            response = c.getresponse()
            body = response.read()
            return response.status, body
        except OSError:
            local.conn = None
            return None, b""

    def one(i: int):
        started = time.perf_counter()
        kind = i % 10
        token = tokens[i % len(tokens)]
        statuses = []
        if kind < 6:
            statuses.append(call("GET", anonymous[i % len(anonymous)])[0])
        elif kind < 8:
            statuses.append(call("GET", "/api/v1/me/enrolments", token)[0])
        elif kind == 8:
            status, body = call("POST", f"/api/v1/classes/{class_id}/enrolments", token)
            statuses.append(status)
            if status == 201:
                statuses.append(call("DELETE", f"/api/v1/enrolments/{json.loads(body)['id']}", token)[0])
        else:
            statuses.append(call("GET", "/api/v1/courses/")[0])
        with lock:
            latencies.append(time.perf_counter() - started)
            for status in statuses:
                counts["requests"] += 1
                if status is None:
                    counts["errors"] += 1
                elif status >= 400 and status != 409:
                    counts["non2xx"] += 1

    from concurrent.futures import ThreadPoolExecutor

    samples = []
    print(f"\n#### Soak: {args.soak_rate:g} requests/s for {args.soak_minutes:g} minutes\n")
    print("| minute | requests | p99 ms | errors / non-2xx | worker RSS MiB | PostgreSQL connections |")
    print("|---:|---:|---:|---|---|---:|")
    pool = ThreadPoolExecutor(max_workers=16)
    try:
        start = time.monotonic()
        end = start + args.soak_minutes * 60
        i, minute = 0, 0
        while True:
            now = time.monotonic()
            if now >= end:
                break
            due = start + i / args.soak_rate
            if due > now:
                time.sleep(due - now)
            pool.submit(one, i)
            i += 1
            if now - start >= (minute + 1) * 60 or i == 1:
                with lock:
                    window = sorted(latencies)
                    latencies.clear()
                    snapshot = dict(counts)
                workers = {pid: rss_kib(pid) for pid in stack.worker_pids()}
                sample = {
                    "minute": round((now - start) / 60),
                    "requests": snapshot["requests"],
                    "p99": window[int(len(window) * 0.99)] * 1000 if window else 0,
                    "errors": snapshot["errors"],
                    "non2xx": snapshot["non2xx"],
                    "rss_mib": {pid: round(kib / 1024, 1) for pid, kib in workers.items()},
                    "pg_connections": pg_connections(args),
                }
                samples.append(sample)
                minute = sample["minute"]
                print(
                    f"| {sample['minute']} | {sample['requests']} | {sample['p99']:.0f} | "
                    f"{sample['errors']} / {sample['non2xx']} | "
                    f"{', '.join(f'{v:.1f}' for v in sample['rss_mib'].values())} | "
                    f"{sample['pg_connections']} |",
                    flush=True,
                )
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # what is queued is dropped; what runs finishes
        stack.stop()
    first, last = samples[1] if len(samples) > 2 else samples[0], samples[-1]
    growth = {pid: last["rss_mib"].get(pid, 0) - mib for pid, mib in first["rss_mib"].items()}
    print(
        f"\nworker RSS change from minute {first['minute']} to {last['minute']}: "
        f"{', '.join(f'{v:+.1f} MiB' for v in growth.values())}; "
        f"PostgreSQL connections {first['pg_connections']} → {last['pg_connections']}",
        flush=True,
    )
    return {"samples": samples, "rss_growth_mib": growth}


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    data = json.loads((var_dir(args.db) / "bench-data.json").read_text()) if args.skip_setup else set_up(args)
    print(
        f"\nserver: gunicorn {args.worker_class}, {args.workers} workers"
        f"{f' × {args.threads} threads' if args.worker_class == 'gthread' else ''}; "
        f"wrk {args.connections} connections; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}; "
        f"GIL switch interval {args.switch_interval}",
        flush=True,
    )
    results = {"args": vars(args)}
    scenarios = args.scenarios.split(",")
    if "pages" in scenarios:
        for cache_on in {"on": [True], "off": [False], "both": [False, True]}[args.page_cache]:
            results[f"pages_cache_{'on' if cache_on else 'off'}"] = scenario_pages(args, data, page_cache=cache_on)
    if "rush" in scenarios:
        results["rush"] = scenario_rush(args, data)
    if "soak" in scenarios:
        results["soak"] = scenario_soak(args, data)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
