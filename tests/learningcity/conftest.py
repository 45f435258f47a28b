"""A small hand-made district whose figures are known exactly (see `city` below)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from courses.models import Category
from learningcity.access import CITY_LEADERS
from learningcity.models import RuralTrainingCategory, TownPopulation
from learningcity.selectors import default_years
from learningcity.services import learning_figures_refresh
from places.models import Town, Venue, VenueKind
from records.services import learning_hours_record
from tests.factories import UserFactory

SHANGHAI = timezone.get_default_timezone()


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def leader(db):
    return UserFactory(display_name="区领导李", groups=[Group.objects.get(name=CITY_LEADERS)])


@pytest.fixture
def city(db):
    """Year Y (last year) and Y+1 (this year), three towns:

    渔阳镇 (population entered for Y; a community school, 3 learning points, 10 villages):
      u1 born Y-70 (elderly), joined in Y-1: in Y 2 h 农业技术 + 3 h 老年教育; in Y+1 1.5 h 老年教育
      u2 born 1990, joined in Y: in Y 2 h 农业技术
      u3 joined in Y+1: no learning
    下营镇 (population entered for Y, no rural labour, no villages; 2 learning points):
      u4 born Y-60 (60 in Y), joined Y-1: 1 h at 23:30 on 31 December of Y (Shanghai) — counts in Y
      u5 joined Y-1: 1 h at 00:30 on 1 January of Y+1 (Shanghai; still Y in UTC) — counts in Y+1
    文昌街道 (no population entered): u7 joined Y-1, 4 h in Y
    u6 has no home town: 5 h in Y, counted nowhere.
    """
    y = timezone.localdate().year - 1
    farming = Category.objects.create(name="农业技术")
    elderly = Category.objects.create(name="老年教育")
    RuralTrainingCategory.objects.create(category=farming)
    yuyang = Town.objects.create(name="渔阳镇", sort_order=1)
    xiaying = Town.objects.create(name="下营镇", sort_order=2)
    wenchang = Town.objects.create(name="文昌街道", sort_order=3)
    Venue.objects.create(name="渔阳镇社区学校", town=yuyang, kind=VenueKind.COMMUNITY_SCHOOL)
    for n in range(3):
        Venue.objects.create(name=f"渔阳第{n}学习点", town=yuyang, kind=VenueKind.LEARNING_POINT)
    for n in range(2):
        Venue.objects.create(name=f"下营第{n}学习点", town=xiaying, kind=VenueKind.LEARNING_POINT)
    Venue.objects.create(name="文昌小学", town=wenchang, kind=VenueKind.SCHOOL)

    def person(town, joined_year, birth_year=None):
        return UserFactory(home_town=town, birth_year=birth_year, date_joined=at(joined_year, 3, 1))

    u1 = person(yuyang, y - 1, y - 70)
    u2 = person(yuyang, y, 1990)
    person(yuyang, y + 1)
    u4 = person(xiaying, y - 1, y - 60)
    u5 = person(xiaying, y - 1, 1980)
    u6 = UserFactory(date_joined=at(y - 1, 1, 2))
    u7 = person(wenchang, y - 1, 1985)
    entries = [
        (u1, farming, "2", at(y, 4, 1)),
        (u1, elderly, "3", at(y, 5, 1)),
        (u1, elderly, "1.5", at(y + 1, 1, 5)),
        (u2, farming, "2", at(y, 6, 1)),
        (u4, elderly, "1", at(y, 12, 31, 23, 30)),
        (u5, elderly, "1", at(y + 1, 1, 1, 0, 30)),
        (u6, elderly, "5", at(y, 7, 1)),
        (u7, None, "4", at(y, 8, 1)),
    ]
    for n, (learner, category, hours, when) in enumerate(entries):
        learning_hours_record(
            learner=learner, source=f"test:{n}", title="课程", category=category, hours=Decimal(hours), occurred_at=when
        )
    TownPopulation.objects.create(
        town=yuyang, year=y, population=1000, elderly_population=200, rural_labour=400, villages=10
    )
    TownPopulation.objects.create(
        town=xiaying, year=y, population=500, elderly_population=100, rural_labour=0, villages=0
    )
    learning_figures_refresh(years=default_years())  # what the hourly/nightly task does
    return SimpleNamespace(y=y, yuyang=yuyang, xiaying=xiaying, wenchang=wenchang, farming=farming)
