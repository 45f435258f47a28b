"""Counts taken straight from the records (the learning ledger, accounts, and the events, circles and honours
apps): the raw material of the figures, which the summary task stores.

Kept apart from the selectors because the population model's validation needs one of them (a population below
the number of learners recorded is refused) and the selectors read that model. A year is a calendar year in the
district's time zone (Asia/Shanghai): learning at 23:30 on 31 December counts in that year.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

import activities.selectors
import circles.selectors
import honours.selectors
from accounts.models import User
from records.models import LearningEntry

ELDERLY_AGE = 60


def year_start(year: int) -> datetime.datetime:
    return datetime.datetime(year, 1, 1, tzinfo=timezone.get_default_timezone())


@dataclass(frozen=True)
class LearningCounts:
    """Learning of one town in one year, from records.LearningEntry (a person counts in their home town)."""

    learners: int = 0
    hours: Decimal = Decimal("0")
    elderly_learners: int = 0
    rural_learners: int = 0


def learning_counts(
    *, years: Sequence[int], rural_category_ids: Iterable[int] = ()
) -> dict[tuple[int, int], LearningCounts]:
    """{(town id, year): counts} for learners with a home town, in one grouped query over the ledger.

    Learners are distinct people; an elderly learner is 60 or older in that year (birth year known); a rural
    learner learned in one of the 三农 categories that year.
    """
    if not years:
        return {}
    rural_ids = list(rural_category_ids)
    learner = "learner_id"
    aggregates = {
        "learners": Count(learner, distinct=True),
        "hours": Sum("hours"),
        "elderly": Count(learner, distinct=True, filter=Q(learner__birth_year__lte=F("year") - ELDERLY_AGE)),
    }
    if rural_ids:
        aggregates["rural"] = Count(learner, distinct=True, filter=Q(category_id__in=rural_ids))
    rows = (
        LearningEntry.objects.filter(
            occurred_at__gte=year_start(min(years)),
            occurred_at__lt=year_start(max(years) + 1),
            learner__home_town__isnull=False,
        )
        .annotate(year=ExtractYear("occurred_at", tzinfo=timezone.get_default_timezone()))
        .order_by()
        .values("learner__home_town_id", "year")
        .annotate(**aggregates)
    )
    return {
        (row["learner__home_town_id"], row["year"]): LearningCounts(
            learners=row["learners"],
            hours=row["hours"] or Decimal("0"),
            elderly_learners=row["elderly"],
            rural_learners=row.get("rural") or 0,
        )
        for row in rows
        if row["year"] in years
    }


def learners_in_town_year(*, town_id: int, year: int) -> int:
    """Distinct people from the town with learning recorded in the year."""
    return (
        LearningEntry.objects.filter(
            learner__home_town_id=town_id, occurred_at__gte=year_start(year), occurred_at__lt=year_start(year + 1)
        )
        .values("learner_id")
        .distinct()
        .count()
    )


def accounts_by_town(*, years: Sequence[int]) -> dict[tuple[int, int], int]:
    """{(town id, year): residents of the town with an account made by the end of the year} in one query."""
    if not years:
        return {}
    counts = (
        User.objects.filter(home_town__isnull=False, is_active=True)
        .order_by()
        .values("home_town_id")
        .annotate(**{f"y{year}": Count("pk", filter=Q(date_joined__lt=year_start(year + 1))) for year in years})
    )
    return {(row["home_town_id"], year): row[f"y{year}"] for row in counts for year in years}


def sibling_figures(*, years: Sequence[int]) -> dict[tuple[int, int], dict[str, int]]:
    """Events, circles and honours per (town id, year), as those apps report them (`city_figures`), merged."""
    merged: dict[tuple[int, int], dict[str, int]] = {}
    for source in (activities.selectors, circles.selectors, honours.selectors):
        for key, counts in source.city_figures(years=years).items():
            merged.setdefault(key, {}).update(counts)
    return merged
