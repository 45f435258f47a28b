"""Engine choice: the search server (Elasticsearch 8 or OpenSearch 2) when SEARCH_URL — or, as before,
ELASTICSEARCH_URL — is set, else the database engine."""

from functools import lru_cache

from django.conf import settings

from search.engines.base import EngineResult, EngineUnavailable, SearchEngine
from search.engines.database import DatabaseEngine

__all__ = [
    "EngineResult",
    "EngineUnavailable",
    "SearchEngine",
    "DatabaseEngine",
    "database_engine",
    "configured_engine",
    "search_server_url",
]


@lru_cache(maxsize=1)
def database_engine() -> DatabaseEngine:
    return DatabaseEngine()


def search_server_url() -> str:
    return getattr(settings, "SEARCH_URL", "") or getattr(settings, "ELASTICSEARCH_URL", "")


def configured_engine() -> SearchEngine:
    url = search_server_url()
    if url:
        from search.engines.elasticsearch import elasticsearch_engine  # the client libraries: only when configured

        return elasticsearch_engine(url)
    return database_engine()
