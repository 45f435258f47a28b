"""The engine's seam: it indexes and searches the documents of whatever source is registered, knowing no
model of ours. Here a source of online lessons that are plain objects in memory."""

import datetime
from dataclasses import dataclass
from typing import ClassVar

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import BooleanField, ExpressionWrapper, Q, Subquery

from search import registry
from search.documents import Document, FacetChoice
from search.models import SearchDocument, SearchFacet
from search.query import SearchRequest
from search.selectors import search
from search.services import search_index_update, search_reindex


def _true_for(ids):
    return ExpressionWrapper(Q(pk__in=list(ids)), output_field=BooleanField())


class LessonSource:
    def __init__(self):
        self.lessons = {
            1: Document(
                id=1,
                title="智能手机拍照入门",
                summary="用手机拍出好照片。",
                facets={"kind": [FacetChoice("video", "视频", "1")]},
            ),
            2: Document(
                id=2,
                title="梨树冬季修剪示范",
                summary="果园里的修剪现场。",
                facets={"kind": [FacetChoice("video", "视频", "1")]},
                published_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            ),
            3: Document(id=3, title="修剪工具保养", facets={"kind": [FacetChoice("audio", "音频", "2")]}),
        }
        self.starting_soon = {3}

    def documents(self, ids):
        return [self.lessons[pk] for pk in ids if pk in self.lessons]

    def live_ids(self):
        return sorted(self.lessons)

    def ids_containing(self, word):
        return [pk for pk, lesson in self.lessons.items() if word in lesson.title]

    def dictionary_words(self):
        return []

    def open_now(self, *, today, document):
        return _true_for(self.starting_soon)

    def starting_within(self, *, today, days, document):
        return _true_for(self.starting_soon)

    def with_open_seats(self, *, today, document):
        return _true_for([])

    def next_start(self, *, today, document):
        # A correlated expression, as a real source gives (a constant cannot be ordered by on PostgreSQL).
        return Subquery(SearchDocument.objects.filter(pk=document).values("published_at")[:1])


@dataclass(frozen=True)
class LessonSearch(SearchRequest):
    FACETS: ClassVar[tuple[str, ...]] = ("kind",)

    kind: str = ""


@pytest.fixture
def lessons(db, monkeypatch, settings):
    settings.SEARCH_URL = settings.ELASTICSEARCH_URL = ""
    source = LessonSource()
    monkeypatch.setattr(registry, "_source", source)
    return source


def ids(request):
    return [pk for pk, _score in search(request).ranked]


def test_the_engine_indexes_any_registered_source(lessons):
    assert search_index_update(document_ids=[1, 2, 3, 4]) == 3  # 4: the source has no such lesson
    assert set(SearchDocument.objects.values_list("id", flat=True)) == {1, 2, 3}
    assert ids(LessonSearch(q="lishu")) == [2]
    assert set(ids(LessonSearch(q="修剪"))) == {2, 3}
    assert ids(LessonSearch(q="修剪", kind="video")) == [2]
    assert ids(LessonSearch(starts_within=7)) == [3]
    assert ids(LessonSearch(open_seats=True)) == []
    result = search(LessonSearch(q="修剪"))
    assert [(f.value, f.label, f.count) for f in result.facets["kind"]] == [("video", "视频", 1), ("audio", "音频", 1)]
    assert result.facets["starts_within"] == 1 and result.facets["free"] == 2


def test_documents_the_source_no_longer_has_are_removed(lessons):
    search_reindex()
    del lessons.lessons[2]
    search_index_update(document_ids=[2])
    assert not SearchDocument.objects.filter(pk=2).exists() and not SearchFacet.objects.filter(document_id=2).exists()
    assert ids(LessonSearch(q="lishu")) == []
    lessons.lessons.pop(3)
    assert search_reindex() == {"indexed": 1, "removed": 1}


def test_without_a_registered_source_the_engine_says_so(db, monkeypatch):
    monkeypatch.setattr(registry, "_source", None)
    with pytest.raises(ImproperlyConfigured):
        search_index_update(document_ids=[1])
