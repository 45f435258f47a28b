"""The neutral document every engine indexes. A source (search.registry) builds them from its own models.

The engine knows no model of ours: a document is an integer id, weighted text, facet values (each with
its label and an order for equal counts), a fee, a publication date and the dated occurrences people can
join (a course's classes). Its text is analysed once for every engine (search.analysis.document_terms).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class FacetChoice:
    """One value a document has for a facet: the value filters match, the label shown, and what orders
    values with equal counts (e.g. a zero-padded sort order, or the label itself)."""

    value: str
    label: str
    sort: str = ""


@dataclass(frozen=True)
class Occurrence:
    """A dated run of the document people can join (a course's class), with its enrolment window and seats.

    The database engine never stores these: it asks the source for them live at query time
    (SearchSource.open_now & co.). Elasticsearch cannot ask, so it indexes them."""

    id: int
    starts_on: datetime.date
    ends_on: datetime.date
    enrol_opens: datetime.date | None
    enrol_closes: datetime.date | None
    seats_left: int


@dataclass
class Document:
    id: int
    title: str
    keywords: str = ""
    summary: str = ""
    body: str = ""  # plain text, weakest weight (a source may add the names of its facet values here)
    facets: dict[str, list[FacetChoice]] = field(default_factory=dict)
    fee: Decimal = Decimal(0)
    published_at: datetime.datetime | None = None
    occurrences: list[Occurrence] = field(default_factory=list)
