"""社区学校与学习点: by town, nearest first from a shared location, a clear message for a bad one, flat queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.community.conftest import learning_point

pytestmark = pytest.mark.django_db


def titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="[^"]*">([^<]+)</a></h2>', html)


def test_every_school_and_point_is_listed_by_town(client, district):
    html = client.get(district["places_index"].url).content.decode()
    assert titles(html) == ["渔阳镇社区学校", "西北隅村学习点", "下营镇社区学校", "常州村学习点", "邦均镇社区学校"]
    assert "周一至周五 8:30-11:30" in html and 'href="tel:022-29141234"' in html
    assert "公里" not in html


def test_choosing_a_town_lists_only_its_places(client, district):
    html = client.get(district["places_index"].url, {"town": district["towns"]["xiaying"].slug}).content.decode()
    assert titles(html) == ["下营镇社区学校", "常州村学习点"]
    assert f'value="{district["towns"]["xiaying"].slug}" selected' in html


def test_a_shared_location_sorts_nearest_first_with_distances(client, district):
    # Standing in 常州村: its point first, then 下营 school (~3.4 km), then the 渔阳 ones, 邦均 last.
    html = client.get(district["places_index"].url, {"lat": "40.2105", "lng": "117.4498"}).content.decode()
    assert titles(html) == ["常州村学习点", "下营镇社区学校", "西北隅村学习点", "渔阳镇社区学校", "邦均镇社区学校"]
    distances = [float(km) for km in re.findall(r"约([\d.]+)公里", html)]
    assert distances == sorted(distances) and distances[0] < 0.2
    assert 3.0 < distances[1] < 4.0


@pytest.mark.parametrize(
    "lat,lng", [("abc", "117.4"), ("95", "117.4"), ("40.1", "-190"), ("nan", "117.4"), ("40.1", ""), ("", "1e999")]
)
def test_a_bad_location_says_so_and_lists_everything(client, district, lat, lng):
    response = client.get(district["places_index"].url, {"lat": lat, "lng": lng})
    assert response.status_code == 200
    html = response.content.decode()
    assert "没能读懂您的位置" in html
    assert len(titles(html)) == 5 and "公里" not in html


def test_places_without_coordinates_come_last_when_sorting(client, district):
    learning_point(district["bangjun_school"], title="无坐标学习点", town=district["towns"]["bangjun"])
    html = client.get(district["places_index"].url, {"lat": "39.96", "lng": "117.27"}).content.decode()
    assert titles(html)[0] == "邦均镇社区学校" and titles(html)[-1] == "无坐标学习点"


def test_query_count_does_not_grow_with_the_number_of_points(client, district, settings):
    settings.PAGE_CACHE_SECONDS = 0  # count the page's own queries, not a cache hit
    url = district["places_index"].url
    client.get(url)  # warm Wagtail's site-root cache, as any running site has it

    def count(params):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries)

    before = count({"lat": "40.1", "lng": "117.4"})
    for n in range(6):
        town = district["towns"]["xiaying"]
        learning_point(district["xiaying_school"], title=f"新增学习点{n}", town=town, lat="40.2", lng="117.43")
    after = count({"lat": "40.1", "lng": "117.4"})
    assert after == before
    assert len(titles(client.get(url).content.decode())) == 11
