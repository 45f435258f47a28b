"""The learning-city dashboard (guidance centre and district leaders), its XLSX exports, and the public summary.

Thin: figures come from learningcity.selectors, tables from learningcity.tables; the views check who asks and
read the filters. The dashboard shows counts and rates, never people.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from learningcity.access import may_read_city_figures
from learningcity.charts import bar_chart
from learningcity.exports import XLSX_TYPE, table_xlsx
from learningcity.selectors import RURAL_TRAINING_TARGET, YEARS_SHOWN, city_figures, public_headlines
from learningcity.tables import towns_table, trend_table
from places.models import Town

YEARS_OFFERED = 10


class DashboardFilter(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("年份"), coerce=int, required=False)
    town = forms.ModelChoiceField(
        label=gettext_lazy("乡镇/街道"),
        queryset=Town.objects.order_by("sort_order", "name"),
        required=False,
        empty_label=gettext_lazy("全区"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(year, str(year)) for year in range(this_year, this_year - YEARS_OFFERED, -1)]

    def chosen(self) -> tuple[int, Town | None]:
        """The year and town asked for; anything unreadable falls back to this year and the whole district."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("year") or timezone.localdate().year, data.get("town")


def _refused():
    return HttpResponseForbidden(_("只有指导中心工作人员和区领导可以查看学习型城市数据。"))


def _dashboard_data(request):
    form = DashboardFilter(request.GET or None)
    year, town = form.chosen()
    years = list(range(year - YEARS_SHOWN + 1, year + 1))
    figures = city_figures(years=years)
    trend = trend_table(figures, town_id=town.pk if town else None)
    towns = towns_table(figures, year=year)
    return form, year, town, figures, trend, towns


@login_required
@require_GET
def dashboard(request):
    if not may_read_city_figures(request.user):
        return _refused()
    form, year, town, figures, trend, towns = _dashboard_data(request)
    of_year = [row for row in figures.rows if row.year == year]
    series = figures.district if town is None else [row for row in figures.rows if row.town_id == town.pk]
    charts = {
        "trend": bar_chart(
            title=_("逐年学习人数"),
            table_id="table-trend",
            items=[(str(row.year), row.learners) for row in series],
        ),
        "community": bar_chart(
            title=_("%(year)d年各乡镇社区教育参与率") % {"year": year},
            table_id="table-towns",
            items=[(row.town_name, row.community_rate) for row in of_year],
            unit="%",
        ),
        "rural": bar_chart(
            title=_("%(year)d年各乡镇“三农”培训率") % {"year": year},
            table_id="table-towns",
            items=[(row.town_name, row.rural_rate) for row in of_year],
            unit="%",
            target=RURAL_TRAINING_TARGET,
            target_text=_("目标%(target)s%%") % {"target": RURAL_TRAINING_TARGET},
        ),
    }
    context = {
        "form": form,
        "year": year,
        "town": town,
        "figures": figures,
        "headline": figures.district_year(year),
        "trend": trend,
        "towns": towns,
        "charts": charts,
        "target": RURAL_TRAINING_TARGET,
        "query": request.GET.urlencode(),
    }
    response = render(request, "learningcity/dashboard.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def dashboard_export(request, table: str):
    if not may_read_city_figures(request.user):
        return _refused()
    _form, year, town, _figures, trend, towns = _dashboard_data(request)
    chosen = {"trend": trend, "towns": towns}.get(table)
    if chosen is None:
        raise Http404
    response = HttpResponse(table_xlsx(chosen), content_type=XLSX_TYPE)
    name = f"learning-city-{table}-{year}" + (f"-town{town.pk}" if town else "") + ".xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def summary(request):
    """学习型城市建设: the district's headline figures, open to everyone."""
    # Centre staff and 区领导 reach the full dashboard from here (the public site's way in; the admin's Reports
    # menu is the other). Their page is never the cached anonymous one.
    context = {"headlines": public_headlines(), "may_read_dashboard": may_read_city_figures(request.user)}
    return render(request, "learningcity/summary.html", context)
