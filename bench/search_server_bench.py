"""The search server's part of bench/search_bench.py (issue 13): Elasticsearch 8 / OpenSearch 2 side by side
with the database engine, on the same generated data and the same requests.

    make opensearch-node
    .venv/bin/python bench/search_bench.py --vendor sqlite --sizes 10000,100000 --engine node

`--engine node` starts a real OpenSearch node from tools/opensearch-node for the run (`--engine URL` uses a
running server). In each size's process, after the database engine's figures:
1. `manage.py search_reindex --only-server --batch-size 500` into a fresh index, timed, with its progress bar
   (with `--engine URL --keep-engine-index`, skipped when that server's index already holds every course);
2. the same whole `GET /api/v1/courses/?q=…` requests with the server answering (p50/p95);
3. the same node's bare `match_all` (12 ids, over HTTP) as many times: the server's p95 is reported as a
   ratio to that p95, which survives a busy machine better than milliseconds do.
"""

import statistics
import time

ENV_URL = "BENCH_SEARCH_URL"  # not SEARCH_URL: the database engine's part must not index into the server


def start_node():
    from tests.search.engine_node import SearchNode

    # The JIT at full strength (the tests start the node C1-only, to start faster).
    return SearchNode(java_options=["-Xms512m", "-Xmx512m"]).start()


def p95(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[int(len(ordered) * 0.95) - 1]


def timed_requests(client, requests) -> list[float]:
    for request in requests[:5]:
        client.get("/api/v1/courses/", request)
    latencies = []
    for request in requests:
        t = time.perf_counter()
        response = client.get("/api/v1/courses/", request)
        latencies.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
    return latencies


def _complete(engine) -> bool:
    """Whether the server's index already holds every document of the database engine (a run with `--engine URL
    --keep-engine-index` measures requests only; nothing changes the generated catalogue between runs)."""
    from search.engines import EngineUnavailable
    from search.models import SearchDocument

    try:
        indexed = engine.client.search(engine.index_name, {"size": 0, "track_total_hits": True})
    except EngineUnavailable:
        return False
    return indexed["hits"]["total"]["value"] == SearchDocument.objects.count()


def measure_server(client, requests, url: str, *, keep_index: bool = False) -> dict:
    from django.conf import settings
    from django.core.management import call_command

    from courses.search import course_search, course_search_from_query
    from search.engines import configured_engine

    settings.SEARCH_URL = url
    settings.SEARCH_TIMEOUT = 30  # a slow answer is measured, not replaced by the database engine's
    engine = configured_engine()
    index_s = 0.0
    if not (keep_index and _complete(engine)):
        engine.clear()
        started = time.perf_counter()
        call_command("search_reindex", only_server=True, batch_size=500)  # the progress bar goes to stderr
        index_s = time.perf_counter() - started
    assert course_search(course_search_from_query(requests[0])).engine == "elasticsearch", "the server did not answer"
    latencies = timed_requests(client, requests)
    bare_query = {"query": {"match_all": {}}, "size": 12, "_source": False}
    for _ in range(5):
        engine.client.search(engine.index_name, bare_query)
    bare = []
    for _ in requests:
        t = time.perf_counter()
        engine.client.search(engine.index_name, bare_query)
        bare.append((time.perf_counter() - t) * 1000)
    return {
        "engine": engine.client.flavour,
        "engine_index_s": round(index_s, 1),
        "engine_p50_ms": round(statistics.median(latencies), 1),
        "engine_p95_ms": round(p95(latencies), 1),
        "match_all_p95_ms": round(p95(bare), 1),
        "engine_p95_ratio": round(p95(latencies) / p95(bare), 2),
    }


def print_table(results: list[dict]) -> None:
    print()
    print("| database | courses | server | reindex (s) | p50 (ms) | p95 (ms) | match_all p95 (ms) | ratio |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        if "engine_p95_ms" in r:
            print(
                f"| {r['vendor']} | {r['courses']:,} | {r['engine']} | {r['engine_index_s']:.1f} | "
                f"{r['engine_p50_ms']:.0f} | {r['engine_p95_ms']:.0f} | {r['match_all_p95_ms']:.1f} | "
                f"{r['engine_p95_ratio']:.1f} |"
            )
