"""The demo district's community layer: every town's school with coordinates, village points, notices."""

from pathlib import Path

import pytest
from django.utils import timezone

from community.models import HomePage, LearningPointIndexPage, LearningPointPage, NoticePage
from courses.models import ProviderPage
from jizhou.demo import demo_catalogue_load
from jizhou.demo_community import demo_community_load
from places.models import Venue, VenueKind

SMALL = Path(__file__).parents[1] / "jizhou" / "demo_small.json"


def load():
    """The catalogue part of the demo, then this loader (the other apps' loaders have their own tests)."""
    report = demo_catalogue_load(SMALL)
    demo_community_load(home=HomePage.objects.get(), today=timezone.localdate(), report=report)


@pytest.mark.django_db
def test_demo_fills_schools_points_and_notices(client):
    load()
    schools = ProviderPage.objects.live().filter(kind="community_school")
    assert schools.count() == 6 and not schools.filter(latitude__isnull=True).exists()
    assert Venue.objects.filter(kind=VenueKind.COMMUNITY_SCHOOL).count() == 6
    assert LearningPointPage.objects.live().count() >= 5
    assert NoticePage.objects.live().count() == 6

    places = client.get("/api/v1/places/", {"near": "40.224,117.477"}).json()  # standing in 常州村
    assert places[0]["title"] == "常州村学习点" and places[0]["distance_km"] < 0.1
    home = client.get("/").content.decode()
    assert "通知公告" in home and "找离我近的社区学校和学习点" in home
    index = LearningPointIndexPage.objects.get()
    assert "公里" in client.get(index.url, {"lat": "40.04", "lng": "117.40"}).content.decode()

    load()  # idempotent
    assert LearningPointPage.objects.count() == LearningPointPage.objects.live().count()
    assert NoticePage.objects.count() == 6 and ProviderPage.objects.filter(kind="community_school").count() == 6
