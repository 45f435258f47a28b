"""Learning-city figures over JSON: GET /api/v1/learning-city/figures (centre staff and district leaders, by
session or API token) and /api/v1/learning-city/summary (the public headline figures, open).

Thin: figures come from learningcity.selectors; refusals are {"detail", "code"} like the rest of the API.
"""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from accounts.api_auth import api_auth
from core.api_errors import ApiError, ApiErrorOut
from learningcity.access import may_read_city_figures
from learningcity.selectors import RURAL_TRAINING_TARGET, YEARS_SHOWN, Figures, city_figures, public_headlines

router = Router(tags=["学习型城市"])

FIRST_YEAR = 2000



class FiguresOut(Schema):
    year: int
    town_id: int | None = Field(description="乡镇/街道编号；全区合计为空")
    town: str = Field(description="乡镇/街道名称；全区合计为“全区”")
    accounts: int = Field(description="年末已注册的居民（所在乡镇）")
    learners: int = Field(description="当年有学习记录的人数")
    hours: float = Field(description="当年学习时长（学时）")
    elderly_learners: int = Field(description="当年60岁以上的学习人数")
    rural_learners: int = Field(description="当年参加“三农”类别学习的人数")
    population: int | None = Field(description="常住人口（录入）")
    elderly_population: int | None
    rural_labour: int | None
    villages: int | None
    community_rate: float | None = Field(description="社区教育参与率（%），未录入人口时为空")
    elderly_rate: float | None = Field(description="老年教育参与率（%）")
    rural_rate: float | None = Field(description="“三农”培训率（%），目标35%")
    community_schools: int
    learning_points: int
    learning_point_coverage: float | None = Field(description="学习点覆盖行政村比例（%）")
    events_held: int
    attendances: int
    attendees: int
    circles_active: int
    circle_members: int
    circle_meetings: int
    stars_awarded: int
    brands_awarded: int


class CityFiguresOut(Schema):
    years: list[int]
    rural_target: float
    towns: list[FiguresOut]
    district: list[FiguresOut]


class FiguresQuery(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=2100, description="截止年份，默认今年；返回此前5年")
    town: int | None = Field(None, ge=1, description="只看一个乡镇/街道（全区合计不受影响）")


def _number(value) -> float | None:
    return None if value is None else float(value)


def _figures_out(row: Figures) -> dict:
    return {
        "year": row.year,
        "town_id": row.town_id,
        "town": row.town_name or "全区",
        "accounts": row.accounts,
        "learners": row.learners,
        "hours": float(row.hours),
        "elderly_learners": row.elderly_learners,
        "rural_learners": row.rural_learners,
        "population": row.population,
        "elderly_population": row.elderly_population,
        "rural_labour": row.rural_labour,
        "villages": row.villages,
        "community_rate": _number(row.community_rate),
        "elderly_rate": _number(row.elderly_rate),
        "rural_rate": _number(row.rural_rate),
        "community_schools": row.community_schools,
        "learning_points": row.learning_points,
        "learning_point_coverage": _number(row.learning_point_coverage),
        **{key: row.count(key) for key in (
            "events_held", "attendances", "attendees", "circles_active", "circle_members", "circle_meetings",
            "stars_awarded", "brands_awarded",
        )},
    }  # fmt: skip


@router.get(
    "/learning-city/figures",
    response={200: CityFiguresOut, 401: ApiErrorOut, 403: ApiErrorOut},
    auth=api_auth,
    url_name="learning_city_figures",
    summary="学习型城市数据（按乡镇、年份）",
    description="指导中心工作人员和区领导可用（登录会话或API令牌）。只有人数和比率，没有个人信息。",
)
def figures(request: HttpRequest, filters: Query[FiguresQuery]):
    if not may_read_city_figures(request.auth):
        raise ApiError(403, "forbidden", "只有指导中心工作人员和区领导可以查看学习型城市数据。")
    year = filters.year or timezone.localdate().year
    result = city_figures(years=list(range(year - YEARS_SHOWN + 1, year + 1)))
    rows = [row for row in result.rows if filters.town is None or row.town_id == filters.town]
    return {
        "years": result.years,
        "rural_target": float(RURAL_TRAINING_TARGET),
        "towns": [_figures_out(row) for row in rows],
        "district": [_figures_out(row) for row in result.district],
    }


class HeadlineOut(Schema):
    year: int
    learners: int
    hours: float
    community_rate: float | None
    elderly_rate: float | None
    rural_rate: float | None
    rural_target: float
    towns: int
    towns_with_school: int
    learning_points: int
    events_held: int
    attendances: int
    circles_active: int
    stars_awarded: int
    brands_awarded: int


@router.get(
    "/learning-city/summary",
    response=list[HeadlineOut],
    url_name="learning_city_summary",
    summary="学习型城市建设：全区主要数字（公开）",
    description="今年截至今日和上一年，新的在前。",
)
def summary(request: HttpRequest):
    return [
        {
            **{name: getattr(h, name) for name in HeadlineOut.model_fields},
            "hours": float(h.hours),
            "rural_target": float(h.rural_target),
            "community_rate": _number(h.community_rate),
            "elderly_rate": _number(h.elderly_rate),
            "rural_rate": _number(h.rural_rate),
        }
        for h in public_headlines()
    ]
