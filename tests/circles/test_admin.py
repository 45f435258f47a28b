"""The admin's 学习团队 screens: approving (centre, or the attached school), dissolving, the yearly assessment
— refused for anyone else with nothing changed."""

from django.urls import reverse

from circles.models import Assessment, CircleStatus, StudyCircle


def test_the_attached_school_approves_and_another_school_cannot(client, make_circle, leader, tree, staff_a, staff_b):
    circle = make_circle(by=leader, approve=False, provider=tree["school_a"])
    client.force_login(staff_b)
    client.post(reverse("circles_admin_approve", args=(circle.pk,)))
    assert StudyCircle.objects.get().status == CircleStatus.PROPOSED
    client.force_login(staff_a)
    assert "渔阳书法组" in client.get(reverse("circles_admin_index")).content.decode()
    assert client.post(reverse("circles_admin_approve", args=(circle.pk,))).status_code == 302
    assert StudyCircle.objects.get().status == CircleStatus.ACTIVE


def test_only_the_centre_assesses_and_once_a_year(client, circle, centre, staff_a, today):
    url = reverse("circles_admin_assess", args=(circle.pk,))
    data = {"year": today.year, "rating": "excellent", "note": "坚持每周活动"}
    client.force_login(staff_a)
    client.post(url, data)
    assert not Assessment.objects.exists()
    client.force_login(centre)
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "rating": "fail"})
    assert response.status_code == 400 and "已经评定过" in response.content.decode()
    assert Assessment.objects.get().rating == "excellent"
