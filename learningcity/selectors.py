"""The learning-city figures per town and year, from the records.

Every count comes from the data the other apps keep (the learning ledger, accounts, venues, events, circles,
honours); only the population denominators are typed in (TownPopulation). Accounts, the ledger's counts and the
sibling apps' activity are read from the summary table a task keeps (TownYearCounts: a district's ledger takes
seconds to count, see docs/decisions/0015-learning-city-figures.md); population and venues are read as they are.
Five queries, whatever the amount of data or the number of years.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from learningcity.counting import LearningCounts
from learningcity.models import RuralTrainingCategory, TownPopulation, TownYearCounts
from places.models import Town, Venue, VenueKind

# 三农 annual training rate the district plan asks for (蓟州区教育“十四五”规划: “三农”年培训率达到35%).
RURAL_TRAINING_TARGET = Decimal("35")
# Counts the three sibling apps report (their `city_figures`), shown as they are.
ACTIVITY_KEYS = (
    "events_held",
    "attendances",
    "attendees",
    "circles_active",
    "circle_members",
    "circle_meetings",
    "stars_awarded",
    "brands_awarded",
)
YEARS_SHOWN = 5


def rate(part: int | Decimal, whole: int | None) -> Decimal | None:
    """A percentage with two decimals (a new platform's share of a town is often well under 1%), or None when
    there is no denominator (not entered, or zero)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """One row of the dashboard: a town (or the district: town None) in one year."""

    year: int
    town_id: int | None
    town_name: str
    accounts: int = 0
    learning: LearningCounts = field(default_factory=LearningCounts)
    population: int | None = None
    elderly_population: int | None = None
    rural_labour: int | None = None
    villages: int | None = None
    community_schools: int = 0
    learning_points: int = 0
    activity: dict[str, int] = field(default_factory=dict)
    # The district's rates count only towns whose population was entered (else a town without figures would
    # inflate them); a town's own rates use all of its counts.
    rate_base: LearningCounts | None = None
    points_base: int | None = None

    @property
    def learners(self) -> int:
        return self.learning.learners

    @property
    def hours(self) -> Decimal:
        return self.learning.hours

    @property
    def elderly_learners(self) -> int:
        return self.learning.elderly_learners

    @property
    def rural_learners(self) -> int:
        return self.learning.rural_learners

    @property
    def community_rate(self) -> Decimal | None:
        """社区教育参与率: people learning / population."""
        return rate((self.rate_base or self.learning).learners, self.population)

    @property
    def elderly_rate(self) -> Decimal | None:
        """老年教育参与率: learners aged 60+ that year / population aged 60+."""
        return rate((self.rate_base or self.learning).elderly_learners, self.elderly_population)

    @property
    def rural_rate(self) -> Decimal | None:
        """“三农”培训率: learners in the 三农 categories / rural labour force."""
        return rate((self.rate_base or self.learning).rural_learners, self.rural_labour)

    @property
    def rural_target_met(self) -> bool | None:
        return None if self.rural_rate is None else self.rural_rate >= RURAL_TRAINING_TARGET

    @property
    def learning_point_coverage(self) -> Decimal | None:
        """Learning points per village, as a percentage (capped: a point serves one village)."""
        if not self.villages:
            return None
        points = self.learning_points if self.points_base is None else self.points_base
        return min(rate(points, self.villages), Decimal("100"))

    def count(self, key: str) -> int:
        return self.activity.get(key, 0)


@dataclass
class CityFigures:
    years: list[int]
    towns: list[Town]
    rows: list[Figures]  # town by town, years in order within a town
    district: list[Figures]  # one per year
    rural_categories: list[str]
    # Towns with at least one community school / all towns shown (coverage does not depend on the year).
    towns_with_school: int = 0
    # When the records were counted for these years (the oldest count); None: none counted yet. Years never
    # counted (before the five the task keeps, or before its first run) show zeros and are named on the page.
    counted_at: datetime.datetime | None = None
    uncounted_years: list[int] = field(default_factory=list)

    @property
    def school_coverage(self) -> Decimal | None:
        return rate(self.towns_with_school, len(self.towns))

    def district_year(self, year: int) -> Figures | None:
        return next((row for row in self.district if row.year == year), None)


def default_years(*, count: int = YEARS_SHOWN) -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year - count + 1, this_year + 1))


def _counted(*, years: Sequence[int], town_ids: set[int]) -> tuple[dict, dict, dict, dict[int, datetime.datetime]]:
    """Accounts, the ledger's counts and the sibling apps' activity per (town id, year) from the summary table,
    and when each year was counted (a year not counted yet is missing)."""
    rows = list(TownYearCounts.objects.filter(year__in=years, town_id__in=town_ids))
    accounts = {(row.town_id, row.year): row.accounts for row in rows}
    activity = {(row.town_id, row.year): row.activity for row in rows}
    counts = {
        (row.town_id, row.year): LearningCounts(
            learners=row.learners,
            hours=row.hours,
            elderly_learners=row.elderly_learners,
            rural_learners=row.rural_learners,
        )
        for row in rows
    }
    counted = {row.year: row.counted_at for row in rows}
    return accounts, counts, activity, counted


def _venue_counts(town_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    rows = (
        Venue.objects.filter(town_id__in=town_ids)
        .order_by()
        .values("town_id")
        .annotate(
            schools=Count("pk", filter=Q(kind=VenueKind.COMMUNITY_SCHOOL)),
            points=Count("pk", filter=Q(kind=VenueKind.LEARNING_POINT)),
        )
    )
    return {row["town_id"]: row for row in rows}


def _summed(rows: list[Figures]) -> LearningCounts:
    return LearningCounts(
        learners=sum(row.learners for row in rows),
        hours=sum((row.hours for row in rows), Decimal("0")),
        elderly_learners=sum(row.elderly_learners for row in rows),
        rural_learners=sum(row.rural_learners for row in rows),
    )


def _district_row(year: int, rows: list[Figures]) -> Figures:
    """The district in one year: counts summed over towns (a person counts in one home town, so learners add
    up); denominators, and the numerators of rates, only over the towns that entered their population."""
    with_population = [row for row in rows if row.population]
    return Figures(
        year=year,
        town_id=None,
        town_name="",
        accounts=sum(row.accounts for row in rows),
        learning=_summed(rows),
        population=sum(row.population for row in with_population) or None,
        elderly_population=sum(row.elderly_population for row in with_population) or None,
        rural_labour=sum(row.rural_labour for row in with_population) or None,
        villages=sum(row.villages for row in with_population) or None,
        community_schools=sum(row.community_schools for row in rows),
        learning_points=sum(row.learning_points for row in rows),
        activity={key: sum(row.count(key) for row in rows) for key in ACTIVITY_KEYS},
        rate_base=_summed(with_population),
        points_base=sum(min(row.learning_points, row.villages) for row in with_population),
    )


def city_figures(*, years: Sequence[int] | None = None, town_ids: Sequence[int] | None = None) -> CityFigures:
    """Figures for the given years (default: the last five) and towns (default: all), plus district totals.

    Five queries: towns, 三农 categories, populations, the summary table, venues. Rates are None where the
    population was not entered or is zero.
    """
    years = sorted(set(years or default_years()))
    towns = list(Town.objects.order_by("sort_order", "name"))
    if town_ids:
        towns = [town for town in towns if town.pk in set(town_ids)]
    shown = {town.pk for town in towns}
    rural = list(RuralTrainingCategory.objects.select_related("category"))
    populations = {(p.town_id, p.year): p for p in TownPopulation.objects.filter(year__in=years, town_id__in=shown)}
    accounts, learning, activity, counted = _counted(years=years, town_ids=shown)
    venues = _venue_counts(list(shown))

    rows: list[Figures] = []
    for town in towns:
        venue = venues.get(town.pk, {})
        for year in years:
            population = populations.get((town.pk, year))
            rows.append(
                Figures(
                    year=year,
                    town_id=town.pk,
                    town_name=town.name,
                    accounts=accounts.get((town.pk, year), 0),
                    learning=learning.get((town.pk, year), LearningCounts()),
                    population=population.population if population else None,
                    elderly_population=population.elderly_population if population else None,
                    rural_labour=population.rural_labour if population else None,
                    villages=population.villages if population else None,
                    community_schools=venue.get("schools", 0),
                    learning_points=venue.get("points", 0),
                    activity=activity.get((town.pk, year), {}),
                )
            )
    district = [_district_row(year, [row for row in rows if row.year == year]) for year in years]
    return CityFigures(
        years=years,
        towns=towns,
        rows=rows,
        district=district,
        rural_categories=[r.category.name for r in rural],
        towns_with_school=sum(1 for town in towns if venues.get(town.pk, {}).get("schools")),
        counted_at=min(counted.values()) if counted else None,
        uncounted_years=[year for year in years if year not in counted] if towns else [],
    )


SUMMARY_CACHE_SECONDS = 600


@dataclass(frozen=True)
class Headline:
    """The district's figures a public page may show: counts and rates, never people."""

    year: int
    learners: int
    hours: Decimal
    accounts: int
    community_rate: Decimal | None
    elderly_rate: Decimal | None
    rural_rate: Decimal | None
    rural_target: Decimal
    towns: int
    towns_with_school: int
    learning_points: int
    events_held: int
    attendances: int
    circles_active: int
    stars_awarded: int
    brands_awarded: int


def public_headlines(*, years: int = 2) -> list[Headline]:
    """This year so far and the years before it, newest first; kept a few minutes in the cache, since anyone
    may open the page and the figures change slowly."""
    this_year = timezone.localdate().year
    key = f"learningcity:headlines:{this_year}:{years}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    figures = city_figures(years=list(range(this_year - years + 1, this_year + 1)))
    headlines = [
        Headline(
            year=row.year,
            learners=row.learners,
            hours=row.hours,
            accounts=row.accounts,
            community_rate=row.community_rate,
            elderly_rate=row.elderly_rate,
            rural_rate=row.rural_rate,
            rural_target=RURAL_TRAINING_TARGET,
            towns=len(figures.towns),
            towns_with_school=figures.towns_with_school,
            learning_points=row.learning_points,
            events_held=row.count("events_held"),
            attendances=row.count("attendances"),
            circles_active=row.count("circles_active"),
            stars_awarded=row.count("stars_awarded"),
            brands_awarded=row.count("brands_awarded"),
        )
        for row in reversed(figures.district)
    ]
    cache.set(key, headlines, SUMMARY_CACHE_SECONDS)
    return headlines
