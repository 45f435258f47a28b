"""The seam between the engine and what it indexes: one source, registered by the app that owns the data.

The catalogue registers its source in its AppConfig.ready (courses/apps.py → courses/search_index.py); the
engine imports no app of ours and asks the source for everything it needs to know about the documents.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Expression, OuterRef

from search.documents import Document


class SearchSource(Protocol):
    """What the engine asks of the app whose documents it indexes."""

    def documents(self, ids: Sequence[int]) -> list[Document]:
        """The documents of those ids that should be found now (e.g. live), in a bounded number of
        queries. Ids missing from the answer are removed from the indexes."""

    def live_ids(self) -> list[int]:
        """Every id that should be indexed, in a stable order (a full re-index walks them in batches)."""

    def ids_containing(self, word: str) -> list[int]:
        """Ids whose text contains `word` (re-cut after staff add it to the dictionary)."""

    def dictionary_words(self) -> Iterable[str]:
        """Names the segmenter must keep whole (places, schools, categories…)."""

    # Facts read live at query time by the database engine, so they are never stale between re-indexes.
    # Each returns an expression over the source's own tables correlated to `document`, an OuterRef to the
    # document id.

    def open_now(self, *, today: datetime.date, document: OuterRef) -> Expression:
        """True when the document has an occurrence open for joining today (it ranks higher)."""

    def starting_within(self, *, today: datetime.date, days: int, document: OuterRef) -> Expression:
        """True when an occurrence starts between today and `days` from now."""

    def with_open_seats(self, *, today: datetime.date, document: OuterRef) -> Expression:
        """True when an occurrence open for joining today has a seat left."""

    def next_start(self, *, today: datetime.date, document: OuterRef) -> Expression:
        """The first start date of the occurrences not yet ended (None when there are none)."""


_source: SearchSource | None = None


def register_source(source: SearchSource) -> None:
    global _source
    _source = source


def registered_source() -> SearchSource:
    if _source is None:
        raise ImproperlyConfigured("No search source is registered: an app calls search.registry.register_source().")
    return _source
