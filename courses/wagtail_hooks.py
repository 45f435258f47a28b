"""The catalogue's data in the admin (categories, audiences, towns, venues). Whether a course or class people
learn in may be deleted is enrolment's rule (enrolment/wagtail_hooks.py, and the `refuse_class_removal` hook
courses/forms.py defines)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts.models import Audience
from courses.models import Category
from places.models import Town, Venue


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    list_display = ["name", "slug", "sort_order"]


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "group"
    list_display = ["name", "slug", "sort_order"]


class TownViewSet(SnippetViewSet):
    model = Town
    icon = "site"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]


class VenueViewSet(SnippetViewSet):
    model = Venue
    icon = "home"
    list_display = ["name", "town", "address"]
    list_filter = ["town"]
    search_fields = ["name", "address"]


class CatalogueDataGroup(SnippetViewSetGroup):
    """Editable data the catalogue is built from: categories, audiences, towns, venues."""

    menu_label = _("课程数据")
    menu_icon = "list-ul"
    menu_order = 300
    items = (CategoryViewSet, AudienceViewSet, TownViewSet, VenueViewSet)


register_snippet(CatalogueDataGroup)
