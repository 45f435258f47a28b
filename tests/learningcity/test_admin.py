"""The centre enters population figures in the admin; bad input is refused with a sentence, nothing saved."""

import pytest
from django.urls import reverse

from learningcity.models import TownPopulation

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_learningcity_townpopulation:add"


def _post(client, city, **overrides):
    data = {
        "town": city.wenchang.pk,
        "year": city.y,
        "population": "118000",
        "elderly_population": "23000",
        "rural_labour": "9000",
        "villages": "0",
        **overrides,
    }
    return client.post(reverse(ADD), data)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"population": "0"}, "常住人口必须大于0。"),
        ({"elderly_population": "200000"}, "60岁以上老年人口不能超过常住人口。"),
        ({"rural_labour": "118001"}, "农村劳动力不能超过常住人口。"),
        ({"population": "-5"}, None),
        ({"town": None}, "该乡镇这一年的人口数据已经录入过，请修改原有记录。"),
    ],
)
def test_bad_figures_are_refused_in_the_admin(client, city, centre, overrides, message):
    client.force_login(centre)
    if overrides.get("town", 0) is None:
        overrides = {"town": city.yuyang.pk}  # 渔阳镇 has figures for that year already
    before = TownPopulation.objects.count()
    response = _post(client, city, **overrides)
    assert response.status_code == 200
    if message:
        assert message in response.content.decode()
    assert TownPopulation.objects.count() == before


def test_the_centre_enters_figures_and_school_staff_cannot(client, city, centre, staff_a):
    client.force_login(staff_a)
    _post(client, city)
    assert not TownPopulation.objects.filter(town=city.wenchang).exists()
    client.force_login(centre)
    assert _post(client, city).status_code == 302
    assert TownPopulation.objects.get(town=city.wenchang, year=city.y).population == 118000
