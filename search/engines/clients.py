"""The thin, client-specific part of the search-server engine: Elasticsearch 8 or OpenSearch 2.

The query, mapping and aggregations are built once with the DSL (search/engines/elasticsearch.py) as plain
dicts; a SearchClient only sends them with the server's own client library (`elasticsearch` or
`opensearch-py`) and turns its errors into ours: EngineUnavailable when the server cannot answer (down,
reset mid-request, too slow for the timeout, failing with 5xx), IndexMissing when the index is not there.

Which client: SEARCH_ENGINE_FLAVOUR ("elasticsearch" / "opensearch"), or, when that is empty, the server is
asked once (GET / → version.distribution; Elasticsearch has none).
"""

import json
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import elasticsearch
import elasticsearch.helpers
import opensearchpy
import opensearchpy.helpers

from search.engines.base import EngineUnavailable

ELASTICSEARCH, OPENSEARCH = "elasticsearch", "opensearch"
BULK_CHUNK = 500
# Seconds a write (a bulk batch, creating the index, a refresh) may take: searches get SEARCH_TIMEOUT, which is
# short so residents are answered by the database engine quickly; writes are in tasks and may wait longer.
WRITE_TIMEOUT = 60


class IndexMissing(EngineUnavailable):
    """The server answers but our index is not there (deleted, or never built): `search_reindex` builds it."""


class SearchClient(Protocol):
    flavour: str

    def index_exists(self, index: str) -> bool: ...
    def create_index(self, index: str, body: dict) -> None: ...
    def delete_index(self, index: str) -> None: ...
    def put_settings(self, index: str, settings: dict) -> None: ...
    def refresh(self, index: str) -> None: ...
    def search(self, index: str, body: dict) -> dict: ...
    def msearch(self, index: str, bodies: list[dict]) -> list[dict]: ...
    def bulk(self, actions: Iterable[dict], *, refresh: bool | str, threads: int = 1) -> None: ...
    def delete(self, index: str, ids: Iterable[str], *, refresh: bool | str) -> None: ...
    def scan_ids(self, index: str) -> Iterator[str]: ...
    def alias_indices(self, alias: str) -> list[str]: ...
    def point_alias(self, alias: str, index: str, *, previous: Iterable[str]) -> None: ...


def _is_index_missing(error: Any) -> bool:
    return "index_not_found" in str(error)


class SearchFailed(Exception):
    """One search of a multi-search refused by the server with a 4xx: a query we built wrongly (our bug)."""


def _raise_for_item(answer: dict) -> None:
    """An error answer inside a multi-search, as a whole request's would have been translated."""
    if _is_index_missing(answer["error"]):
        raise IndexMissing(str(answer["error"])[:200])
    status = answer.get("status")
    if not isinstance(status, int) or status >= 500:
        raise EngineUnavailable(f"HTTP {status}")
    raise SearchFailed(str(answer["error"])[:500])


@contextmanager
def _translated(*, unreachable: tuple, not_found: type, status_of, bulk_error: type):
    try:
        yield
    except not_found as error:
        if _is_index_missing(error):
            raise IndexMissing(str(error)) from error
        raise
    except bulk_error as error:
        if any(_is_index_missing(item) for item in error.errors):
            raise IndexMissing("bulk: index missing") from error
        raise
    except unreachable as error:
        raise EngineUnavailable(type(error).__name__) from error
    except Exception as error:  # an HTTP answer: 5xx means the server cannot answer now; 4xx is our bug
        status = status_of(error)
        if isinstance(status, int) and status >= 500:
            raise EngineUnavailable(f"HTTP {status}") from error
        raise


class _Client:
    """What both clients share: the two libraries have the same method names for what we use."""

    flavour = ""
    helpers: Any = None

    def __init__(self, client, writer):
        self.client, self.writer = client, writer

    def _guarded(self):
        raise NotImplementedError

    def index_exists(self, index: str) -> bool:
        with self._guarded():
            return bool(self.client.indices.exists(index=index))

    def create_index(self, index: str, body: dict) -> None:
        with self._guarded():
            self.writer.indices.create(index=index, body=body)

    def put_settings(self, index: str, settings: dict) -> None:
        with self._guarded():
            self.writer.indices.put_settings(index=index, body={"index": settings})

    def refresh(self, index: str) -> None:
        with self._guarded():
            self.writer.indices.refresh(index=index)

    def search(self, index: str, body: dict) -> dict:
        with self._guarded():
            response = self.client.search(index=index, body=body)
        return response.body if hasattr(response, "body") else response

    def msearch(self, index: str, bodies: list[dict]) -> list[dict]:
        """Several searches in one request (one round trip), answered in order. A search that failed inside it
        is translated like a failed request: the server answers each one with its own status."""
        lines: list[dict] = []
        for body in bodies:
            lines += [{"index": index}, body]
        with self._guarded():
            response = self._msearch(lines)
        answers = (response.body if hasattr(response, "body") else response)["responses"]
        for answer in answers:
            if "error" in answer:
                _raise_for_item(answer)
        return answers

    def _msearch(self, lines: list[dict]):
        raise NotImplementedError

    def bulk(self, actions: Iterable[dict], *, refresh: bool | str, threads: int = 1) -> None:
        """Send documents; with `threads`, as that many requests at once (a re-index keeps the server's cores
        busy while the next ones are prepared)."""
        with self._guarded():
            if threads > 1:
                chunks = self.helpers.parallel_bulk(
                    self.writer, actions, thread_count=threads, chunk_size=BULK_CHUNK // threads, refresh=refresh
                )
                for _ in chunks:  # a generator: consuming it sends, and raises BulkIndexError on a failed document
                    pass
            else:
                self.helpers.bulk(self.writer, actions, chunk_size=BULK_CHUNK, refresh=refresh)

    def alias_indices(self, alias: str) -> list[str]:
        """The indices behind an alias ([] when the name is not an alias: missing, or an index itself)."""
        with self._guarded():
            if not self.client.indices.exists_alias(name=alias):
                return []
            response = self.writer.indices.get_alias(name=alias)
        return sorted(getattr(response, "body", response))

    def point_alias(self, alias: str, index: str, *, previous: Iterable[str]) -> None:
        """Move the alias from the previous indices to `index` in one step: searches never find it missing."""
        actions = [{"remove": {"index": old, "alias": alias}} for old in previous]
        actions.append({"add": {"index": index, "alias": alias}})
        with self._guarded():
            self.writer.indices.update_aliases(body={"actions": actions})

    def delete(self, index: str, ids: Iterable[str], *, refresh: bool | str) -> None:
        actions = ({"_op_type": "delete", "_index": index, "_id": pk} for pk in ids)
        with self._guarded():
            # A document already gone is what we wanted: 404s are not errors here.
            self.helpers.bulk(self.writer, actions, chunk_size=BULK_CHUNK, refresh=refresh, raise_on_error=False)

    def scan_ids(self, index: str) -> Iterator[str]:
        with self._guarded():
            for hit in self.helpers.scan(self.writer, index=index, query={"_source": False}):
                yield hit["_id"]


class ElasticsearchClient(_Client):
    flavour = ELASTICSEARCH
    helpers = elasticsearch.helpers

    def __init__(self, url: str, *, timeout: float):
        client = elasticsearch.Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)
        super().__init__(client, client.options(request_timeout=WRITE_TIMEOUT))

    def _guarded(self):
        return _translated(
            unreachable=(elasticsearch.ConnectionError, elasticsearch.ConnectionTimeout, elasticsearch.TransportError),
            not_found=elasticsearch.NotFoundError,
            status_of=lambda error: getattr(getattr(error, "meta", None), "status", None),
            bulk_error=elasticsearch.helpers.BulkIndexError,
        )

    def delete_index(self, index: str) -> None:
        with self._guarded():
            self.writer.options(ignore_status=404).indices.delete(index=index)

    def _msearch(self, lines: list[dict]):
        return self.client.msearch(searches=lines)


class OpenSearchClient(_Client):
    flavour = OPENSEARCH
    helpers = opensearchpy.helpers

    def __init__(self, url: str, *, timeout: float):
        super().__init__(
            opensearchpy.OpenSearch(url, timeout=timeout, max_retries=0, retry_on_timeout=False),
            # A connection for each of a re-index's parallel bulk requests (the default keeps one).
            opensearchpy.OpenSearch(url, timeout=WRITE_TIMEOUT, max_retries=0, retry_on_timeout=False, pool_maxsize=4),
        )

    def _guarded(self):
        return _translated(
            unreachable=(opensearchpy.ConnectionError, opensearchpy.ConnectionTimeout),
            not_found=opensearchpy.NotFoundError,
            status_of=lambda error: getattr(error, "status_code", None),
            bulk_error=opensearchpy.helpers.BulkIndexError,
        )

    def delete_index(self, index: str) -> None:
        with self._guarded():
            self.writer.indices.delete(index=index, ignore=404)

    def _msearch(self, lines: list[dict]):
        return self.client.msearch(body=lines)


def server_flavour(url: str, *, timeout: float) -> str:
    """Ask the server what it is (GET /). Raises EngineUnavailable when it does not answer."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/", timeout=timeout) as response:  # noqa: S310 — our setting
            about = json.load(response)
    except (OSError, ValueError) as error:  # URLError, a timeout and a reset are OSErrors
        raise EngineUnavailable(type(error).__name__) from error
    distribution = about.get("version", {}).get("distribution", "")
    return OPENSEARCH if distribution == OPENSEARCH else ELASTICSEARCH


def search_client(url: str, *, flavour: str, timeout: float) -> SearchClient:
    flavour = flavour or server_flavour(url, timeout=timeout)
    if flavour == OPENSEARCH:
        return OpenSearchClient(url, timeout=timeout)
    return ElasticsearchClient(url, timeout=timeout)
