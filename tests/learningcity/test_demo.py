"""The demo district's learning city: population for every town over five years, and figures that are not zero."""

from pathlib import Path

import pytest
from django.utils import timezone

from jizhou.demo import DemoReport, demo_catalogue_load
from jizhou.demo_learningcity import demo_learningcity_load
from learningcity.models import RuralTrainingCategory, TownPopulation
from learningcity.selectors import city_figures
from places.models import Town
from records.models import LearningEntry

SMALL = Path(__file__).resolve().parents[1] / "jizhou" / "demo_small.json"

pytestmark = pytest.mark.django_db


def test_demo_population_and_learning_make_real_figures():
    today = timezone.localdate()
    report = demo_catalogue_load(SMALL, today)
    demo_learningcity_load(today=today, report=report, learners=15)
    towns = Town.objects.count()
    assert TownPopulation.objects.count() == towns * 5
    wenchang = TownPopulation.objects.get(town__name="文昌街道", year=today.year)
    assert wenchang.villages == 0 and 0.18 < wenchang.elderly_population / wenchang.population < 0.23
    assert RuralTrainingCategory.objects.filter(category__name="农业技术").exists()

    figures = city_figures()
    last_year = figures.district_year(today.year - 1)
    assert last_year.learners > 5 and last_year.rural_learners > 0 and last_year.elderly_learners > 0
    assert last_year.community_rate is not None and last_year.rural_rate is not None
    assert figures.counted_at is not None

    entries = LearningEntry.objects.count()
    demo_learningcity_load(today=today, report=DemoReport(), learners=15)
    assert LearningEntry.objects.count() == entries and TownPopulation.objects.count() == towns * 5
