"""The learning-city dashboard over a district's worth of records, on PostgreSQL.

    .venv/bin/python bench/learningcity_bench.py                 # build the data, then time
    .venv/bin/python bench/learningcity_bench.py --skip-setup    # time again on the data built last time

Set-up (skipped with --skip-setup): (re)creates the PostgreSQL database `--db` (must be named jizhou_h5bench*),
migrates it, then writes with COPY: `--towns` towns with population figures for `--years` years (the last being
this year), community schools and learning points, `--learners` residents spread over the towns (birth years
1935–2005, a fifth over 60), and `--rows` learning-ledger rows (records.LearningEntry: what attended meetings,
events and circle meetings become) spread over the years and five categories, one of them 三农.
Timing, after one warm-up: the ledger counted live (the query the summary task runs), the summary task (all
years, this year), the figures function (learningcity.selectors.city_figures, from the summary table,
every town × every year) and the whole dashboard view through Django's test client as centre staff
(middleware, figures, SVG charts, template), with the SQL query count of each.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CATEGORIES = ["老年教育", "农业技术", "职业技能", "学历教育", "社区教育"]
RURAL = "农业技术"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="jizhou_h5bench")
    parser.add_argument("--towns", type=int, default=27)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-setup", action="store_true")
    args = parser.parse_args()
    assert args.db.startswith("jizhou_h5bench"), "refusing to touch a database not named jizhou_h5bench*"

    if not args.skip_setup:
        import psycopg

        with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{args.db}"')
    os.environ.update(
        {
            "DATABASE_URL": f"{args.pg}/{args.db}",
            "DJANGO_SETTINGS_MODULE": "jizhou.settings",
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "LOG_LEVEL": "WARNING",
            "DJANGO_HTTPS": "0",
            # Production static files (hashed, compressed) are collected into a scratch folder of the bench's own.
            "JIZHOU_VAR_DIR": "/tmp/jizhou_learningcity_bench_var",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    if not args.skip_setup:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        build(args)
        print(f"set-up: {time.perf_counter() - started:.0f} s")
    measure(args)


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def build(args):
    from django.db import connection
    from django.utils import timezone

    from courses.models import Category
    from learningcity.models import RuralTrainingCategory, TownPopulation
    from places.models import Town, Venue, VenueKind

    rng = random.Random(12)
    this_year = timezone.localdate().year
    years = list(range(this_year - args.years + 1, this_year + 1))
    towns = [
        Town.objects.create(name=f"测试镇{i:02d}", slug=f"bench-town-{i}", sort_order=i) for i in range(args.towns)
    ]
    categories = [Category.objects.create(name=name, sort_order=i) for i, name in enumerate(CATEGORIES)]
    RuralTrainingCategory.objects.create(category=categories[CATEGORIES.index(RURAL)])
    # A district of ~800,000 in 27 towns; about 20% over 60; every town but the first has villages.
    for i, town in enumerate(towns):
        population = rng.randint(18_000, 45_000)
        Venue.objects.create(name=f"{town.name}社区学校", town=town, kind=VenueKind.COMMUNITY_SCHOOL)
        for point in range(rng.randint(2, 12)):
            Venue.objects.create(name=f"{town.name}第{point + 1}学习点", town=town, kind=VenueKind.LEARNING_POINT)
        for year in years:
            TownPopulation.objects.create(
                town=town,
                year=year,
                population=population,
                elderly_population=population // 5,
                rural_labour=0 if i == 0 else population * 2 // 5,
                villages=0 if i == 0 else rng.randint(15, 40),
            )

    now = timezone.now()
    tz = timezone.get_default_timezone()
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        _copy(
            cursor,
            "accounts_user",
            ["phone", "password", "display_name", "email", "birth_year", "home_town_id", "is_staff", "is_active",
             "is_superuser", "date_joined", "session_generation"],
            (
                (f"166{n:08d}", "!", "学员", "", rng.randint(1935, 2005), towns[n % len(towns)].pk, False, True,
                 False, datetime.datetime(rng.choice(years), rng.randint(1, 12), 1, tzinfo=tz), 0)
                for n in range(args.learners)
            ),
        )  # fmt: skip
        cursor.execute("SELECT min(id), max(id) FROM accounts_user WHERE phone LIKE '166%%'")
        first_id, last_id = cursor.fetchone()
        category_ids = [c.pk for c in categories]
        _copy(
            cursor,
            "records_learningentry",
            ["learner_id", "source", "title", "category_id", "provider", "hours", "occurred_at", "created_at"],
            (
                (rng.randint(first_id, last_id), f"bench:{n}", "课程", rng.choice(category_ids), "学校",
                 rng.choice((1, 1.5, 2, 3)),
                 datetime.datetime(rng.choice(years), rng.randint(1, 12), rng.randint(1, 28), rng.randint(8, 20),
                                   tzinfo=tz), now)
                for n in range(args.rows)
            ),
        )  # fmt: skip
        cursor.execute("ANALYZE")
    print(
        f"data: {len(towns)} towns × {len(years)} years, {args.learners} learners, {args.rows} learning rows, "
        f"{Venue.objects.count()} venues"
    )


def _timed(fn, repeat: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up: connections, caches of the process
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return times, queries


def measure(args):
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from learningcity.counting import learning_counts
    from learningcity.models import RuralTrainingCategory
    from learningcity.selectors import city_figures
    from learningcity.services import learning_figures_refresh

    this_year = timezone.localdate().year
    years = list(range(this_year - args.years + 1, this_year + 1))
    rural = list(RuralTrainingCategory.objects.values_list("category_id", flat=True))
    centre, _created = User.objects.get_or_create(
        phone="16599990000", defaults={"display_name": "中心", "is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(centre)
    url = reverse("learningcity:dashboard")

    def view():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        view.size = len(response.content)

    learning_figures_refresh(years=years)
    for label, fn, repeat in (
        (
            f"ledger counted live (one grouped query), {len(years)} years",
            lambda: learning_counts(years=years, rural_category_ids=rural),
            3,
        ),
        (f"summary refresh task, {len(years)} years", lambda: learning_figures_refresh(years=years), 3),
        ("summary refresh task, this year only", lambda: learning_figures_refresh(years=years[-1:]), 3),
        (
            f"figures function (summary table), {args.towns} towns × {len(years)} years",
            lambda: city_figures(years=years),
            args.repeat,
        ),
        ("dashboard view (whole request, all towns, all years)", view, args.repeat),
    ):
        times, queries = _timed(fn, repeat)
        print(
            f"{label}: median {statistics.median(times):.0f} ms, min {min(times):.0f}, max {max(times):.0f} "
            f"({repeat} runs), {queries} queries"
        )
    print(f"dashboard page: {view.size / 1024:.0f} KiB of HTML")


if __name__ == "__main__":
    main()
