from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from community.models import Town, Venue

from .models import Audience, Category


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


# Staff publishing: staff home panels, unpublish confirmation, chooser limits, audit log (hooks register on import).
# records_admin: the credit-bank rules (学分银行) for guidance-centre staff.
from . import records_admin, staff_admin  # noqa: E402, F401
