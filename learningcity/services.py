"""Writes of the learning city: counting the records into the summary table the dashboard reads."""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from learningcity.counting import LearningCounts, accounts_by_town, learning_counts, sibling_figures
from learningcity.models import RuralTrainingCategory, TownYearCounts
from places.models import Town


def learning_figures_refresh(*, years: Sequence[int]) -> int:
    """Count accounts, the ledger (one grouped query) and the sibling apps' activity for these years, and replace
    their summary rows: one per town and year, zeros included, so the dashboard knows the year was counted and
    when. Idempotent: run twice, the same rows. Returns the number of rows written."""
    years = sorted(set(years))
    if not years:
        return 0
    rural = list(RuralTrainingCategory.objects.values_list("category_id", flat=True))
    counts = learning_counts(years=years, rural_category_ids=rural)
    accounts = accounts_by_town(years=years)
    activity = sibling_figures(years=years)
    now = timezone.now()
    rows = []
    for town_id in Town.objects.values_list("pk", flat=True):
        for year in years:
            c = counts.get((town_id, year), LearningCounts())
            rows.append(
                TownYearCounts(
                    town_id=town_id,
                    year=year,
                    accounts=accounts.get((town_id, year), 0),
                    learners=c.learners,
                    hours=c.hours,
                    elderly_learners=c.elderly_learners,
                    rural_learners=c.rural_learners,
                    activity=activity.get((town_id, year), {}),
                    counted_at=now,
                )
            )
    with transaction.atomic():
        TownYearCounts.objects.filter(year__in=years).delete()
        TownYearCounts.objects.bulk_create(rows)
    return len(rows)
