"""The relevance set (relevance.py) on the search server — a real OpenSearch node — against the database engine,
on the same demo catalogue and the same queries: the server must reach the database engine's scores.

.venv/bin/python -m pytest tests/search/test_engine_relevance.py -s      # prints both tables
"""

from django.db import connection

from search.services import search_reindex

from .relevance import QUERIES, evaluate, report
from .test_relevance import demo, ours  # noqa: F401 — `demo` is a fixture

# Rounding room: one query in the set is worth 1/len(QUERIES) of MRR.
MARGIN = 1e-9


def test_search_server_reaches_the_database_engine(demo, settings, search_server):  # noqa: F811
    url = settings.SEARCH_URL
    settings.SEARCH_URL = ""
    database = evaluate(ours)
    settings.SEARCH_URL = url
    assert search_reindex()["indexed"] == demo
    server = evaluate(ours)
    print(f"\n{demo} live courses, {len(QUERIES)} queries, database vendor {connection.vendor}")
    print(report("database engine", database))
    print(report(f"search server ({search_server.client.flavour})", server))
    assert server.recall >= database.recall - MARGIN and server.mrr >= database.mrr - MARGIN
