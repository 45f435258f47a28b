"""A small district for the community pages: three towns with coordinates, their community schools, two
village learning points, the near-me index and the notices section under the home page."""

from decimal import Decimal

import pytest

from community.models import LearningPointIndexPage, LearningPointPage, NoticeIndexPage
from courses.models import ProviderPage
from places.models import Town, Venue, VenueKind


def community_school(catalogue, *, title, town, lat, lng, **fields) -> ProviderPage:
    school = ProviderPage(
        title=title,
        slug=f"school-{town.slug}",
        kind="community_school",
        town=town,
        latitude=Decimal(lat),
        longitude=Decimal(lng),
        **fields,
    )
    catalogue.add_child(instance=school)
    school.save_revision().publish()
    return school


def learning_point(school, *, title, town, lat=None, lng=None, **venue_fields) -> LearningPointPage:
    venue = Venue.objects.create(
        name=title,
        town=town,
        kind=VenueKind.LEARNING_POINT,
        latitude=Decimal(lat) if lat else None,
        longitude=Decimal(lng) if lng else None,
        **venue_fields,
    )
    point = LearningPointPage(title=title, slug=f"point-{venue.pk}", venue=venue)
    school.add_child(instance=point)
    point.save_revision().publish()
    return point


@pytest.fixture
def district(tree):
    home, catalogue = tree["home"], tree["catalogue"]
    yuyang = Town.objects.create(name="渔阳镇", sort_order=1, latitude=Decimal("40.045"), longitude=Decimal("117.408"))
    xiaying = Town.objects.create(name="下营镇", sort_order=2, latitude=Decimal("40.19"), longitude=Decimal("117.42"))
    bangjun = Town.objects.create(name="邦均镇", sort_order=3, latitude=Decimal("39.96"), longitude=Decimal("117.27"))
    yuyang_school = community_school(
        catalogue,
        title="渔阳镇社区学校",
        town=yuyang,
        lat="40.0450",
        lng="117.4080",
        address="渔阳镇文昌街12号",
        opening_hours="周一至周五 8:30-11:30，14:00-17:00",
        contact_phone="022-29141234",
        directions="乘1路公交到鼓楼站，向北步行200米。",
    )
    xiaying_school = community_school(catalogue, title="下营镇社区学校", town=xiaying, lat="40.1900", lng="117.4200")
    bangjun_school = community_school(catalogue, title="邦均镇社区学校", town=bangjun, lat="39.9600", lng="117.2700")
    changzhou = learning_point(
        xiaying_school,
        title="常州村学习点",
        town=xiaying,
        lat="40.2100",
        lng="117.4500",
        address="下营镇常州村村委会二楼",
        opening_hours="每周二、周五 下午2:00-5:00",
        contact_phone="13512345678",
        directions="在常州村村口下车，村委会大院内。",
    )
    xibei = learning_point(yuyang_school, title="西北隅村学习点", town=yuyang, lat="40.0520", lng="117.3950")
    places_index = LearningPointIndexPage(title="社区学校与学习点", slug="places")
    home.add_child(instance=places_index)
    places_index.save_revision().publish()
    notice_index = NoticeIndexPage(title="通知公告", slug="notices")
    home.add_child(instance=notice_index)
    notice_index.save_revision().publish()
    return {
        **tree,
        "towns": {"yuyang": yuyang, "xiaying": xiaying, "bangjun": bangjun},
        "yuyang_school": yuyang_school,
        "xiaying_school": xiaying_school,
        "bangjun_school": bangjun_school,
        "changzhou": changzhou,
        "xibei": xibei,
        "places_index": places_index,
        "notice_index": notice_index,
    }
