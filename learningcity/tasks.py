"""Celery tasks of the learning city. Thin and idempotent: they take years and call learningcity.services."""

from celery import shared_task

from learningcity.selectors import default_years
from learningcity.services import learning_figures_refresh


@shared_task
def learning_figures_refresh_task(years: list[int] | None = None) -> int:
    """Count the ledger for these years (default: the five the dashboard shows) into the summary table."""
    return learning_figures_refresh(years=years or default_years())


@shared_task
def learning_figures_refresh_this_year() -> int:
    """Hourly: this year's figures move as people learn; past years change rarely (nightly is enough)."""
    return learning_figures_refresh(years=default_years(count=1))
