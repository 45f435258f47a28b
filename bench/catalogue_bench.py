"""The catalogue as residents use it: load the demo district, then time catalogue, school and course pages.

    .venv/bin/python bench/catalogue_bench.py                 # SQLite at /tmp/jizhou_catalogue_bench.sqlite3
    .venv/bin/python bench/catalogue_bench.py --postgresql    # database jizhou_catalogue_bench (dropped, re-created)

Reports the time `load_demo` takes on an empty database and on a second run (idempotence costs), then p50/p95
of 200 page requests through Django's test client (the whole request: middleware, Wagtail routing, the search
service's listing, templates) across filter combinations, with the number of SQL queries per page.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SQLITE_PATH = Path("/tmp/jizhou_catalogue_bench.sqlite3")
PG_DB = "jizhou_catalogue_bench"


def _prepare_database(postgresql: bool) -> str:
    if postgresql:
        for sql in (f"DROP DATABASE IF EXISTS {PG_DB}", f"CREATE DATABASE {PG_DB}"):
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
        return f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    SQLITE_PATH.unlink(missing_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = _prepare_database(args.postgresql)
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz")
    os.environ["DJANGO_HTTPS"] = "0"
    # Production static files (hashed, compressed) are collected into a scratch folder of the bench's own.
    os.environ["JIZHOU_VAR_DIR"] = "/tmp/jizhou_catalogue_bench_var"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jizhou.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from courses.models import Category, CoursePage, ProviderPage
    from places.models import Town

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    first_load = time.perf_counter() - started
    started = time.perf_counter()
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    second_load = time.perf_counter() - started

    courses = list(CoursePage.objects.live().order_by("pk"))
    schools = list(ProviderPage.objects.live())
    categories = list(Category.objects.values_list("slug", flat=True))
    towns = list(Town.objects.values_list("slug", flat=True))
    catalogue = "/courses/"
    urls = [catalogue, f"{catalogue}?page=2"]
    urls += [f"{catalogue}?category={slug}" for slug in categories]
    urls += [f"{catalogue}?town={slug}" for slug in towns[:10]]
    urls += [f"{catalogue}?category={categories[1]}&town={slug}&form=offline" for slug in towns[:5]]
    urls += [school.url for school in schools] + [course.url for course in courses[:40]]

    client = Client(HTTP_HOST="127.0.0.1")
    for url in urls[:5]:
        client.get(url)  # warm-up: word lists, template loading
    timings, queries = {"catalogue": [], "school": [], "course": []}, {"catalogue": [], "school": [], "course": []}
    for n in range(args.requests):
        url = urls[n % len(urls)]
        kind = (
            "catalogue"
            if url.startswith(catalogue + "?") or url == catalogue
            else ("school" if any(url == s.url for s in schools) else "course")
        )
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings[kind].append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries[kind].append(len(captured))

    vendor = "PostgreSQL 15" if args.postgresql else "SQLite"
    print(f"{vendor}: {len(courses)} live courses, {len(schools)} schools")
    print(f"load_demo on an empty database: {first_load:.1f} s; second run (nothing to create): {second_load:.1f} s")
    print("| page | requests | p50 ms | p95 ms | SQL queries (min–max) |")
    print("| --- | ---: | ---: | ---: | --- |")
    for kind, values in timings.items():
        if not values:
            continue
        values.sort()
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(
            f"| {kind} | {len(values)} | {statistics.median(values):.0f} | {p95:.0f} | "
            f"{min(queries[kind])}–{max(queries[kind])} |"
        )


if __name__ == "__main__":
    main()
