"""The figures, exactly, on a small hand-made district (tests/learningcity/conftest.py: `city`)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from circles.models import CircleMeeting, CircleStatus, StudyCircle
from learningcity.models import TownPopulation, TownYearCounts
from learningcity.selectors import city_figures, rate
from learningcity.tasks import learning_figures_refresh_task
from records.services import learning_hours_record
from tests.factories import UserFactory
from tests.learningcity.conftest import at

pytestmark = pytest.mark.django_db


def _row(figures, town, year):
    return next(row for row in figures.rows if row.town_id == town.pk and row.year == year)


def test_town_figures_come_from_the_records(city):
    figures = city_figures(years=[city.y, city.y + 1])
    yuyang = _row(figures, city.yuyang, city.y)
    assert (yuyang.accounts, yuyang.learners, yuyang.hours) == (2, 2, Decimal("7"))
    assert (yuyang.elderly_learners, yuyang.rural_learners) == (1, 2)
    assert yuyang.community_rate == Decimal("0.2")  # 2 / 1000
    assert yuyang.elderly_rate == Decimal("0.5")  # 1 / 200
    assert yuyang.rural_rate == Decimal("0.5")  # 2 / 400
    assert yuyang.rural_target_met is False
    assert (yuyang.community_schools, yuyang.learning_points, yuyang.learning_point_coverage) == (1, 3, Decimal("30.0"))

    this_year = _row(figures, city.yuyang, city.y + 1)
    assert (this_year.accounts, this_year.learners, this_year.hours) == (3, 1, Decimal("1.5"))
    assert this_year.community_rate is None  # no population entered for this year


def test_a_year_is_a_calendar_year_in_shanghai(city):
    figures = city_figures(years=[city.y, city.y + 1])
    last_year, this_year = _row(figures, city.xiaying, city.y), _row(figures, city.xiaying, city.y + 1)
    assert (last_year.learners, last_year.hours, last_year.elderly_learners) == (1, Decimal("1"), 1)
    assert (this_year.learners, this_year.hours) == (1, Decimal("1"))


def test_rates_with_zero_or_absent_denominators_are_none_not_zero(city):
    figures = city_figures(years=[city.y])
    xiaying, wenchang = _row(figures, city.xiaying, city.y), _row(figures, city.wenchang, city.y)
    assert xiaying.elderly_rate == Decimal("1.0") and xiaying.community_rate == Decimal("0.2")
    assert xiaying.rural_rate is None and xiaying.learning_point_coverage is None  # 0 rural labour, 0 villages
    assert (wenchang.learners, wenchang.hours) == (1, Decimal("4"))
    assert wenchang.community_rate is wenchang.elderly_rate is wenchang.rural_rate is None
    assert rate(3, 0) is None and rate(3, None) is None


def test_district_rates_count_only_towns_with_population(city):
    figures = city_figures(years=[city.y])
    district = figures.district_year(city.y)
    # Every learner with a home town counts (u6 has none); rates leave 文昌街道 out (no population entered).
    assert (district.learners, district.hours, district.accounts) == (4, Decimal("12"), 5)
    assert district.population == 1500
    assert district.community_rate == Decimal("0.2")  # 3 / 1500
    assert district.elderly_rate == Decimal("0.67")  # 2 / 300
    assert district.rural_rate == Decimal("0.5")  # 2 / 400
    assert district.learning_point_coverage == Decimal("30.0")  # 3 points / 10 villages (下营镇 has none)
    assert (figures.towns_with_school, figures.school_coverage) == (1, Decimal("33.33"))


def test_no_rural_categories_chosen_means_no_rural_learners(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        city.farming.delete()  # its 三农 choice goes with it, and the figures are counted again after commit
    figures = city_figures(years=[city.y])
    assert _row(figures, city.yuyang, city.y).rural_learners == 0
    assert figures.rural_categories == []


def test_an_empty_district_has_a_dashboard_of_zeros(db):
    figures = city_figures()
    assert figures.rows == [] and len(figures.district) == 5 and figures.counted_at is None
    assert all(row.learners == 0 and row.community_rate is None for row in figures.district)


def test_new_learning_shows_once_the_task_has_counted_it(city):
    learner = UserFactory(home_town=city.wenchang)
    learning_hours_record(
        learner=learner, source="later:1", title="课", hours=Decimal("2"), occurred_at=at(city.y, 9, 9)
    )
    assert _row(city_figures(years=[city.y]), city.wenchang, city.y).learners == 1  # still the last count
    before = city_figures(years=[city.y]).counted_at
    assert learning_figures_refresh_task.delay([city.y]).get() == 3  # one row per town, zeros included
    figures = city_figures(years=[city.y])
    assert _row(figures, city.wenchang, city.y).learners == 2 and figures.counted_at > before
    # Counting again changes nothing.
    learning_figures_refresh_task.delay([city.y]).get()
    assert TownYearCounts.objects.filter(year=city.y).count() == 3
    assert _row(city_figures(years=[city.y]), city.wenchang, city.y).hours == Decimal("6")


# --- Bad population input: clear errors, nothing saved --------------------------------------------------------


def _population(city, **overrides):
    fields = {
        "town": city.wenchang,
        "year": city.y,
        "population": 800,
        "elderly_population": 100,
        "rural_labour": 0,
        "villages": 0,
        **overrides,
    }
    return TownPopulation(**fields)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"population": 0}, "population", "常住人口必须大于0。"),
        ({"elderly_population": 900}, "elderly_population", "60岁以上老年人口不能超过常住人口。"),
        ({"rural_labour": 801}, "rural_labour", "农村劳动力不能超过常住人口。"),
        ({"elderly_population": -1}, "elderly_population", None),
    ],
)
def test_bad_population_figures_are_refused(city, overrides, field, message):
    with pytest.raises(ValidationError) as refused:
        _population(city, **overrides).full_clean()
    assert field in refused.value.message_dict
    if message:
        assert message in refused.value.message_dict[field]


def test_population_below_the_learners_recorded_is_refused(city):
    # 渔阳镇 had 2 people learning in Y: a population of 1 is a typing error; 2 is accepted.
    TownPopulation.objects.filter(town=city.yuyang, year=city.y).delete()
    with pytest.raises(ValidationError) as refused:
        _population(city, town=city.yuyang, population=1, elderly_population=0).full_clean()
    assert refused.value.message_dict["population"] == ["常住人口（1）少于该乡镇当年有学习记录的人数（2）。"]
    _population(city, town=city.yuyang, population=2, elderly_population=0).full_clean()


def test_one_population_row_per_town_and_year(city):
    with pytest.raises(ValidationError) as refused:
        _population(city, town=city.yuyang).full_clean()
    assert "该乡镇这一年的人口数据已经录入过，请修改原有记录。" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        _population(city, town=city.yuyang).save()


def test_the_database_refuses_elderly_above_population(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        _population(city, elderly_population=801).save()
    assert not TownPopulation.objects.filter(town=city.wenchang).exists()


def test_circles_counted_by_their_app_show_in_the_town_and_the_district(city):
    circle = StudyCircle.objects.create(
        name="渔阳书法组",
        town=city.yuyang,
        meeting_pattern="每周三下午",
        description="一起练字。",
        status=CircleStatus.ACTIVE,
        approved_at=at(city.y, 2, 1),
    )
    CircleMeeting.objects.create(circle=circle, held_on=at(city.y, 3, 4).date(), hours=Decimal("2"), topic="楷书")
    learning_figures_refresh_task.delay([city.y]).get()
    figures = city_figures(years=[city.y])
    yuyang = _row(figures, city.yuyang, city.y)
    assert (yuyang.count("circles_active"), yuyang.count("circle_meetings")) == (1, 1)
    assert figures.district_year(city.y).count("circles_active") == 1
    assert _row(figures, city.xiaying, city.y).count("circles_active") == 0
