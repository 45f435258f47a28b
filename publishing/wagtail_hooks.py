"""Wagtail admin hooks of staff publishing:

- a school or the catalogue created in the admin gets its room / the centre's rights and review at once;
- the staff home: a panel per school (upcoming classes, seats, waitlists, pending reviews), a teacher's classes;
- a confirmation before taking down a course people are enrolled in (refusing to delete such a course, one at
  a time or in bulk, is enrolment's rule: enrolment/wagtail_hooks.py);
- choosers list only live pages and the person's own drafts (another school's drafts stay private);
- the audit log for the guidance centre (filterable, CSV/XLSX export), under Reports;
- our own audit actions in Wagtail's log registry.
"""

from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.permissions import policy_registry

from accounts.roles import is_centre_staff
from courses.models import CourseClass, CoursePage
from courses.selectors import providers_for_user
from enrolment.models import EnrolmentStatus
from enrolment.selectors import course_current_learners
from publishing.audit import register_audit_actions
from publishing.audit_views import AuditLogView
from publishing.selectors import SchoolSummary, school_summaries
from publishing.services import page_created_rights_ensure


@hooks.register("after_create_page")
def _new_school_or_catalogue_gets_its_rights(request, page):
    page_created_rights_ensure(page=page)


@hooks.register("register_log_actions")
def _audit_actions(actions):
    register_audit_actions(actions)


# --- Staff home --------------------------------------------------------------------------------------


class SchoolPanel(Component):
    template_name = "publishing/admin/school_panel.html"
    order = 50

    def __init__(self, summary: SchoolSummary):
        self.summary = summary

    def get_context_data(self, parent_context=None):
        return {"summary": self.summary, "panel_id": f"school-{self.summary.provider.pk}"}


class TeacherClassesPanel(Component):
    template_name = "publishing/admin/teacher_panel.html"
    order = 60

    def __init__(self, classes):
        self.classes = classes

    def get_context_data(self, parent_context=None):
        return {"classes": self.classes}


@hooks.register("construct_homepage_panels")
def _staff_home_panels(request, panels):
    for summary in school_summaries(request.user):
        panels.append(SchoolPanel(summary))
    today = timezone.localdate()
    taught = list(
        CourseClass.objects.filter(teacher=request.user, ends_on__gte=today)
        .select_related("course", "venue")
        .annotate(waitlist_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)))
        .order_by("starts_on", "pk")[:20]
    )
    if taught:
        panels.append(TeacherClassesPanel(taught))


# --- Taking a course down --------------------------------------------------------------------------


@hooks.register("before_unpublish_page")
def _confirm_unpublish_with_learners(request, page):
    """The unpublish view's own confirmation says nothing about learners; when a course has any, ask again,
    saying how many will be texted (publishing.signals sends the texts after the page is down)."""
    if not isinstance(page.specific, CoursePage) or request.POST.get("learners_confirmed") == "1":
        return None
    learners = course_current_learners(page.specific).count()
    if not learners:
        return None
    return TemplateResponse(
        request,
        "publishing/admin/confirm_unpublish_learners.html",
        {
            "page_title": _("下线课程"),
            "header_title": _("下线课程"),
            "header_icon": "doc-empty-inverse",
            "page": page,
            "learners": learners,
            "include_descendants": request.POST.get("include_descendants", ""),
            "next": request.POST.get("next", "") or request.GET.get("next", ""),
        },
    )


# --- Choosers -----------------------------------------------------------------------------------


@hooks.register("construct_page_chooser_queryset")
def _chooser_hides_other_schools_drafts(pages, request):
    """Linking to a live page is fine for anyone; drafts are visible only inside the person's own schools."""
    user = request.user
    if is_centre_staff(user):
        return pages
    own = Q()
    for provider in providers_for_user(user).only("path"):
        own |= Q(path__startswith=provider.path)
    return pages.filter(Q(live=True) | own) if own else pages.filter(live=True)


# --- Audit log -----------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def _audit_urls():
    return [
        path("audit-log/", AuditLogView.as_view(), name="jizhou_audit_log"),
        path("audit-log/results/", AuditLogView.as_view(results_only=True), name="jizhou_audit_log_results"),
    ]


class CentreOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return is_centre_staff(request.user)


@hooks.register("register_reports_menu_item")
def _audit_menu_item():
    return CentreOnlyMenuItem(_("审计日志"), reverse("jizhou_audit_log"), icon_name="history", order=50)


# --- The admin API's images and documents: only those the person may choose ---------------------------


def _chooseable(viewset_class):
    """Wagtail's admin API lists every image/document to any admin user; limit it to the person's collections."""

    class CollectionScoped(viewset_class):
        def get_queryset(self):
            allowed = policy_registry.get_by_type(self.model).instances_user_has_any_permission_for(
                self.request.user, ["choose"]
            )
            return super().get_queryset().filter(pk__in=allowed.values("pk"))

    CollectionScoped.__name__ = f"CollectionScoped{viewset_class.__name__}"
    return CollectionScoped


@hooks.register("construct_admin_api", order=100)  # after wagtail.images/documents register theirs
def _admin_api_respects_collections(router):
    router.register_endpoint("images", _chooseable(ImagesAdminAPIViewSet))
    router.register_endpoint("documents", _chooseable(DocumentsAdminAPIViewSet))
