"""Engine choice: Elasticsearch when ELASTICSEARCH_URL is set, else the database engine."""

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
]


@lru_cache(maxsize=1)
def database_engine() -> DatabaseEngine:
    return DatabaseEngine()


def configured_engine() -> SearchEngine:
    url = getattr(settings, "ELASTICSEARCH_URL", "")
    if url:
        from search.engines.elasticsearch import elasticsearch_engine  # the client library: only when configured

        return elasticsearch_engine(url)
    return database_engine()
