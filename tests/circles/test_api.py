"""/api/v1/circles: list and detail (public), join and leave as the logged-in resident, in the OpenAPI document."""

from circles.models import Membership

PASSWORD = "correct-horse-battery"


def _token(client, user) -> dict:
    response = client.post(
        "/api/v1/auth/token", {"phone": user.phone, "password": PASSWORD}, content_type="application/json"
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_list_and_detail(client, circle, members, make_circle):
    make_circle(by=members[0], name="申请中的组", approve=False)
    listed = client.get("/api/v1/circles").json()
    assert [c["name"] for c in listed] == ["渔阳书法组"]
    assert listed[0]["leader_name"] == "王*兰" and listed[0]["member_count"] == 3
    assert "13800001111" not in client.get(f"/api/v1/circles/{circle.pk}").content.decode()
    assert client.get(f"/api/v1/circles/{circle.pk}").json()["description"] == "一起练习毛笔字，互相点评。"
    assert client.get("/api/v1/circles?kind=farming").json() == []
    assert client.get("/api/v1/circles/999999").status_code == 404


def test_join_twice_and_leave(client, circle, learner):
    auth = _token(client, learner)
    assert client.post(f"/api/v1/circles/{circle.pk}/membership", **auth).status_code == 201
    again = client.post(f"/api/v1/circles/{circle.pk}/membership", **auth)
    assert again.status_code == 409 and again.json()["code"] == "already_member"
    assert Membership.objects.filter(member=learner).count() == 1
    assert client.delete(f"/api/v1/circles/{circle.pk}/membership", **auth).status_code == 200
    again = client.delete(f"/api/v1/circles/{circle.pk}/membership", **auth)
    assert again.status_code == 409 and again.json()["code"] == "not_member"
    assert client.post(f"/api/v1/circles/{circle.pk}/membership").status_code == 401


def test_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/circles", "/api/v1/circles/{circle_id}", "/api/v1/circles/{circle_id}/membership"} <= set(paths)
