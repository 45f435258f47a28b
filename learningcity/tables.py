"""The dashboard's tables, defined once: the page shows them and the XLSX export writes the same cells.

A table is a title, column headings and rows of values (numbers stay numbers, so a spreadsheet can add them up;
a rate with no population entered is None: "—" on the page, an empty cell in the file).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from learningcity.selectors import CityFigures, Figures

Value = int | Decimal | str | None


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Figures], Value]
    is_rate: bool = False


FIGURE_COLUMNS = [
    Column(_("注册居民"), lambda f: f.accounts),
    Column(_("学习人数"), lambda f: f.learners),
    Column(_("学习时长（学时）"), lambda f: f.hours),
    Column(_("常住人口"), lambda f: f.population),
    Column(_("社区教育参与率（%）"), lambda f: f.community_rate, is_rate=True),
    Column(_("60岁以上学习人数"), lambda f: f.elderly_learners),
    Column(_("老年教育参与率（%）"), lambda f: f.elderly_rate, is_rate=True),
    Column(_("“三农”培训人数"), lambda f: f.rural_learners),
    Column(_("“三农”培训率（%）"), lambda f: f.rural_rate, is_rate=True),
    Column(_("社区学校"), lambda f: f.community_schools),
    Column(_("学习点"), lambda f: f.learning_points),
    Column(_("行政村"), lambda f: f.villages),
    Column(_("学习点覆盖率（%）"), lambda f: f.learning_point_coverage, is_rate=True),
    Column(_("活动场次"), lambda f: f.count("events_held")),
    Column(_("活动参与人次"), lambda f: f.count("attendances")),
    Column(_("学习团队"), lambda f: f.count("circles_active")),
    Column(_("团队成员"), lambda f: f.count("circle_members")),
    Column(_("学习之星"), lambda f: f.count("stars_awarded")),
    Column(_("学习品牌"), lambda f: f.count("brands_awarded")),
]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headings: list[str]
    rows: list[list[Value]]


def trend_table(figures: CityFigures, *, town_id: int | None = None) -> Table:
    """Year by year: the district, or one town when a town is chosen."""
    rows = figures.district if town_id is None else [row for row in figures.rows if row.town_id == town_id]
    name = _("全区") if town_id is None else next((t.name for t in figures.towns if t.pk == town_id), "")
    return Table(
        key="trend",
        title=_("%(name)s逐年数据") % {"name": name},
        headings=[_("年份"), *[column.heading for column in FIGURE_COLUMNS]],
        rows=[[row.year, *[column.value(row) for column in FIGURE_COLUMNS]] for row in rows],
    )


def towns_table(figures: CityFigures, *, year: int) -> Table:
    """Town by town in one year, with the district's row last."""
    rows = [row for row in figures.rows if row.year == year]
    district = figures.district_year(year)
    body = [[row.town_name, *[column.value(row) for column in FIGURE_COLUMNS]] for row in rows]
    if district is not None:
        body.append([_("全区合计"), *[column.value(district) for column in FIGURE_COLUMNS]])
    return Table(
        key="towns",
        title=_("%(year)d年各乡镇（街道）数据") % {"year": year},
        headings=[_("乡镇/街道"), *[column.heading for column in FIGURE_COLUMNS]],
        rows=body,
    )
