"""Queueing Wagtail's index work in one long transaction (core/task_backends.py, decision 0021 addendum).

    .venv/bin/python bench/task_queue_bench.py --db /tmp/jizhou_h2bench-10000.sqlite3

An import of thousands of courses runs in one transaction and queues Wagtail's reference-index work for each
object, often twice. Prints the time to queue N distinct tasks twice each; the transaction is rolled back, so
nothing runs and the database is unchanged.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="a migrated SQLite file, or a database URL")
    parser.add_argument("--sizes", default="2000,10000")
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.db if "://" in args.db else f"sqlite:///{args.db}",
        DJANGO_SETTINGS_MODULE="jizhou.settings",
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.db import transaction
    from wagtail.tasks import update_reference_index_task

    for n in (int(size) for size in args.sizes.split(",")):
        with transaction.atomic():
            started = time.perf_counter()
            for pk in range(n):
                update_reference_index_task.enqueue("courses", "category", str(pk))
                update_reference_index_task.enqueue("courses", "category", str(pk))
            print(f"{n:,} tasks queued twice each in one transaction: {time.perf_counter() - started:.2f} s")
            transaction.set_rollback(True)


if __name__ == "__main__":
    main()
