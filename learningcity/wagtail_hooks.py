"""The learning city in the admin: population figures and 三农 categories (the centre edits them; the rights
come from a data migration), and a link to the dashboard for those who may read it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from learningcity.access import may_read_city_figures
from learningcity.models import RuralTrainingCategory, TownPopulation


class TownPopulationViewSet(SnippetViewSet):
    model = TownPopulation
    icon = "group"
    list_display = ["town", "year", "population", "elderly_population", "rural_labour", "villages"]
    list_filter = ["year", "town"]
    ordering = ["-year", "town__sort_order"]


class RuralTrainingCategoryViewSet(SnippetViewSet):
    model = RuralTrainingCategory
    icon = "folder-open-inverse"
    list_display = ["category"]


class LearningCityGroup(SnippetViewSetGroup):
    menu_label = _("学习型城市")
    menu_icon = "table"
    menu_order = 320
    items = (TownPopulationViewSet, RuralTrainingCategoryViewSet)


register_snippet(LearningCityGroup)


class CityFiguresMenuItem(MenuItem):
    def is_shown(self, request):
        return may_read_city_figures(request.user)


@hooks.register("register_reports_menu_item")
def _dashboard_menu_item():
    return CityFiguresMenuItem(_("学习型城市数据"), reverse("learningcity:dashboard"), icon_name="table", order=60)
