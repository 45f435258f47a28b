from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts.models import Audience
from courses.models import Category, CoursePage
from enrolment.models import ACTIVE_STATUSES, Enrolment
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


@hooks.register("before_delete_page")
def _keep_courses_people_learn_in(request, page):
    """Deleting a course would delete its classes' enrolments, attendance and the hours in learners' records.
    A course anyone is enrolled in, waitlisted for or has completed is unpublished instead, never deleted."""
    if not isinstance(page.specific, CoursePage):
        return None
    if not Enrolment.objects.filter(course_class__course=page, status__in=ACTIVE_STATUSES).exists():
        return None
    messages.error(
        request, _("“%(title)s”已有学员报名或结业，不能删除；如需停办，请下线课程。") % {"title": page.title}
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
