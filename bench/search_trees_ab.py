"""Two source trees side by side on the same data: the bench's query mix, request by request, alternately.

    git archive HEAD | tar -x -C /tmp/before            # the code before a change (no git state changes)
    DJANGO_DEBUG=1 DATABASE_URL=sqlite:////tmp/jizhou_h1-100000.sqlite3 SEARCH_URL=http://127.0.0.1:PORT \\
      ELASTICSEARCH_INDEX=bench-jizhou_h1-100000 .venv/bin/python bench/search_trees_ab.py /tmp/before .

Each tree answers in a process of its own (Django's test client, whole `GET /api/v1/courses/?q=…` requests, the
fixed mix of search_bench.query_mix after 5 warm-up requests); the order alternates every request, so both see
the same machine. Prints p50/p95 per tree and per kind, the same server's bare `match_all` p95 measured after,
and how many answers were identical (count, ids, whole JSON). Index and database are only read.
"""

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_bench import kind_percentiles, query_mix  # noqa: E402 — the bench's own mix, beside this file


def worker(root: str) -> None:
    sys.path.insert(0, root)
    os.chdir(root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jizhou.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.SEARCH_TIMEOUT = 30  # a slow answer is measured, not replaced by the database engine's
    client = Client()
    print("ready", flush=True)
    for line in sys.stdin:
        started = time.perf_counter()
        response = client.get("/api/v1/courses/", json.loads(line))
        ms = (time.perf_counter() - started) * 1000
        body = response.json()
        answer = {
            "ms": ms,
            "status": response.status_code,
            "count": body.get("count"),
            "ids": [result["id"] for result in body.get("results", [])],
            "digest": hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest(),
        }
        print(json.dumps(answer), flush=True)


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def bare_match_all(n: int) -> list[float]:
    import opensearchpy

    client = opensearchpy.OpenSearch(os.environ["SEARCH_URL"])
    index = os.environ.get("ELASTICSEARCH_INDEX", "jizhou-courses")
    body = {"query": {"match_all": {}}, "size": 12, "_source": False}
    latencies = []
    for k in range(n + 5):
        started = time.perf_counter()
        client.search(index=index, body=body)
        if k >= 5:
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker)
    trees = {"before": args.before, "after": args.after}
    processes = {}
    for name, root in trees.items():
        processes[name] = subprocess.Popen(
            [sys.executable, __file__, "x", "x", "--worker", str(Path(root).resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert processes[name].stdout.readline().strip() == "ready", f"{name} did not start"

    def ask(name: str, request: dict) -> dict:
        process = processes[name]
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        return json.loads(process.stdout.readline())

    requests = query_mix(random.Random(2026), args.queries)
    for request in requests[:5]:
        for name in trees:
            ask(name, request)
    latencies: dict[str, list[float]] = {name: [] for name in trees}
    same_results = same_json = 0
    for i, request in enumerate(requests):
        order = list(trees) if i % 2 == 0 else list(trees)[::-1]
        answers = {name: ask(name, request) for name in order}
        for name, answer in answers.items():
            assert answer["status"] == 200, (name, request, answer["status"])
            latencies[name].append(answer["ms"])
        before, after = answers["before"], answers["after"]
        same_results += (before["count"], before["ids"]) == (after["count"], after["ids"])
        same_json += before["digest"] == after["digest"]
    for process in processes.values():
        process.stdin.close()
        process.wait()
    bare = bare_match_all(len(requests)) if os.environ.get("SEARCH_URL") else []
    print(f"load average {os.getloadavg()[0]:.1f}; match_all p95 {p95(bare):.1f} ms" if bare else "no SEARCH_URL")
    for name, values in latencies.items():
        ratio = f" = {p95(values) / p95(bare):.1f}× match_all" if bare else ""
        kinds = {k: (v["p50_ms"], v["p95_ms"]) for k, v in kind_percentiles(requests, values).items()}
        print(f"{name}: p50 {statistics.median(values):.1f} p95 {p95(values):.1f} ms{ratio}; per kind {kinds}")
    print(f"same count and ids: {same_results} of {len(requests)}; identical JSON: {same_json}")


if __name__ == "__main__":
    main()
