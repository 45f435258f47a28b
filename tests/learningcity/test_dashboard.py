"""The dashboard page, its XLSX exports and the public summary, as people see them; who may open what."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import APIToken

from learningcity.selectors import default_years
from learningcity.services import learning_figures_refresh
from places.models import Town
from records.services import learning_hours_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/learning-city/dashboard/"


def _cells(html: str, row_label: str) -> list[str]:
    """The cells of the table row headed `row_label` (the first such row on the page)."""
    match = re.search(rf"<tr><th scope=\"row\">{row_label}</th>(.*?)</tr>", html)
    assert match, row_label
    return re.findall(r"<td>(.*?)</td>", match.group(1))


def test_centre_staff_see_figures_per_town_with_charts_and_tables(client, city, centre):
    client.force_login(centre)
    response = client.get(DASHBOARD, {"year": city.y})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    # The towns table: 渔阳镇 — accounts, learners, hours, population, rate; elderly, rate; rural, rate; venues…
    assert _cells(html, "渔阳镇")[:13] == ["2", "2", "7", "1000", "0.2", "1", "0.5", "2", "0.5", "1", "3", "10", "30"]
    assert _cells(html, "文昌街道")[3:5] == ["—", "—"]  # no population entered: no rate, not 0
    assert _cells(html, "全区合计")[:5] == ["5", "4", "12", "1500", "0.2"]
    # Three SVG charts, each bar labelled with its town and its number; the 35% target drawn and named.
    assert html.count("<svg") == 3
    assert re.search(r"<text[^>]*>渔阳镇</text><rect[^>]*/><text[^>]*>0.2%</text>", html)
    assert "目标35%" in html
    # Counts and rates, never people.
    assert not re.search(r"学员\d", html)


def test_a_town_filter_shows_that_town_year_by_year(client, city, centre):
    client.force_login(centre)
    html = client.get(DASHBOARD, {"year": city.y + 1, "town": city.yuyang.pk}).content.decode()
    assert "渔阳镇逐年数据" in html
    assert _cells(html, str(city.y))[:3] == ["2", "2", "7"]
    assert _cells(html, str(city.y + 1))[:3] == ["3", "1", "1.5"]


def test_unreadable_filters_fall_back_to_this_year_and_the_district(client, city, centre):
    client.force_login(centre)
    response = client.get(DASHBOARD, {"year": "1900; drop", "town": "99999"})
    assert response.status_code == 200
    assert f"{timezone.localdate().year}年各乡镇（街道）数据" in response.content.decode()


def test_each_table_exports_to_xlsx_with_the_same_numbers(client, city, centre):
    client.force_login(centre)
    response = client.get(reverse("learningcity:dashboard_export", args=["towns"]), {"year": city.y})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == f"{city.y}年各乡镇（街道）数据"
    assert rows[1][:4] == ("乡镇/街道", "注册居民", "学习人数", "学习时长（学时）")
    yuyang = next(row for row in rows if row[0] == "渔阳镇")
    assert yuyang[1:6] == (2, 2, 7, 1000, 0.2)
    wenchang = next(row for row in rows if row[0] == "文昌街道")
    assert wenchang[5] is None  # no rate without population: an empty cell
    trend = client.get(reverse("learningcity:dashboard_export", args=["trend"]), {"year": city.y})
    trend_rows = list(load_workbook(io.BytesIO(trend.content)).active.iter_rows(values_only=True))
    assert trend_rows[-1][:3] == (city.y, 5, 4)
    assert client.get(reverse("learningcity:dashboard_export", args=["people"])).status_code == 404


def test_the_public_summary_shows_headline_figures_to_anyone(client, city):
    response = client.get(reverse("learningcity:summary"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "学习型城市建设" in html and f"{city.y}年" in html
    assert "4人" in html and "12学时" in html
    data = client.get("/api/v1/learning-city/summary").json()
    assert [item["year"] for item in data] == [city.y + 1, city.y]
    assert data[1]["learners"] == 4 and data[1]["community_rate"] == 0.2 and data[1]["rural_target"] == 35.0


def test_district_leaders_reach_the_dashboard_from_the_public_summary(client, city, leader):
    link = f'href="{DASHBOARD}"'
    assert link not in client.get(reverse("learningcity:summary")).content.decode()  # not for visitors
    client.force_login(UserFactory())
    assert link not in client.get(reverse("learningcity:summary")).content.decode()  # nor for residents
    client.force_login(leader)
    assert link in client.get(reverse("learningcity:summary")).content.decode()
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("who", ["resident", "teacher", "staff_a"])
def test_school_staff_teachers_and_residents_are_refused(client, city, who, request, teacher, staff_a):
    person = {"resident": UserFactory(), "teacher": teacher, "staff_a": staff_a}[who]
    client.force_login(person)
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(reverse("learningcity:dashboard_export", args=["towns"])).status_code == 403
    assert client.get("/api/v1/learning-city/figures").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, city):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get("/api/v1/learning-city/figures").status_code == 401


def test_district_leaders_read_the_dashboard_and_the_api_with_a_token(client, city, leader):
    client.force_login(leader)
    assert client.get(DASHBOARD).status_code == 200
    client.logout()
    token = APIToken.create_token(user=leader, name="API")[1]
    response = client.get(
        "/api/v1/learning-city/figures", {"year": city.y}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    data = response.json()
    yuyang = next(row for row in data["towns"] if row["town_id"] == city.yuyang.pk and row["year"] == city.y)
    assert (yuyang["learners"], yuyang["hours"], yuyang["community_rate"], yuyang["rural_rate"]) == (2, 7.0, 0.2, 0.5)
    district = next(row for row in data["district"] if row["year"] == city.y)
    assert district["town"] == "全区" and district["learners"] == 4


def test_the_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/learning-city/figures" in paths and "/api/v1/learning-city/summary" in paths


def test_query_count_does_not_grow_with_towns_and_years_of_data(client, centre):
    client.force_login(centre)
    this_year = timezone.localdate().year

    def grow(towns: int, years: int):
        for _town in range(towns):
            town = Town.objects.create(name=f"镇{Town.objects.count()}", slug=f"t{Town.objects.count()}")
            for y in range(years):
                learner = UserFactory(home_town=town)
                learning_hours_record(
                    learner=learner,
                    source=f"grow:{town.pk}:{y}",
                    title="课",
                    hours=2,
                    occurred_at=timezone.now().replace(year=this_year - y),
                )

    def queries() -> int:
        learning_figures_refresh(years=default_years())
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DASHBOARD).status_code == 200
        return len(captured)

    grow(1, 1)
    small = queries()
    grow(8, 5)
    assert queries() == small
