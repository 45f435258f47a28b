"""/api/v1/places/ and /api/v1/notices/: shape, filters, distance order, refusals in the API's error shape."""

import pytest

from tests.community.test_pages import notice

pytestmark = pytest.mark.django_db


def test_places_list_every_school_and_point_with_coordinates(client, district):
    response = client.get("/api/v1/places/")
    assert response.status_code == 200
    places = response.json()
    assert [p["title"] for p in places][:2] == ["渔阳镇社区学校", "西北隅村学习点"]
    changzhou = next(p for p in places if p["title"] == "常州村学习点")
    assert changzhou["kind"] == "learning_point" and changzhou["town"] == "下营镇"
    assert changzhou["latitude"] == 40.21 and changzhou["longitude"] == 117.45
    assert changzhou["opening_hours"] == "每周二、周五 下午2:00-5:00" and changzhou["contact_phone"] == "13512345678"
    assert changzhou["url"] == district["changzhou"].url
    assert changzhou["distance_km"] is None


def test_near_sorts_by_distance(client, district):
    places = client.get("/api/v1/places/", {"near": "39.961,117.271"}).json()
    assert places[0]["title"] == "邦均镇社区学校" and places[0]["distance_km"] < 0.2
    distances = [p["distance_km"] for p in places]
    assert distances == sorted(distances)


def test_town_filters(client, district):
    places = client.get("/api/v1/places/", {"town": district["towns"]["yuyang"].slug}).json()
    assert {p["title"] for p in places} == {"渔阳镇社区学校", "西北隅村学习点"}


@pytest.mark.parametrize("near", ["abc", "91,117", "40.1", "40.1,117.4,1", "40.1,nan", ""])
def test_bad_near_is_a_422_in_the_error_shape(client, district, near):
    response = client.get("/api/v1/places/", {"near": near})
    assert response.status_code == 422
    assert response.json()["code"] == "bad_location" and "纬度" in response.json()["detail"]


def test_unknown_town_is_a_422(client, district):
    response = client.get("/api/v1/places/", {"town": "no-such-town"})
    assert response.status_code == 422 and response.json()["code"] == "unknown_town"


def test_notices_newest_first_paginated(client, district):
    for n in range(3):
        notice(district["notice_index"], f"通知{n}", days_ago=n)
    body = client.get("/api/v1/notices/").json()
    assert body["count"] == 3 and body["pages"] == 1
    assert [n["title"] for n in body["results"]] == ["通知0", "通知1", "通知2"]
    assert client.get("/api/v1/notices/", {"page": 2}).status_code == 404
    assert client.get("/api/v1/notices/", {"page": 0}).status_code == 422


def test_both_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/places/" in paths and "/api/v1/notices/" in paths
    parameters = {p["name"] for p in paths["/api/v1/places/"]["get"]["parameters"]}
    assert {"near", "town"} <= parameters
