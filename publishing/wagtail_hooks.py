"""Wagtail admin hooks of staff publishing (imported by courses/wagtail_hooks.py):

- the staff home: a panel per school (upcoming classes, seats, waitlists, pending reviews), a teacher's classes;
- a confirmation before taking down a course people are enrolled in;
- choosers list only live pages and the person's own drafts (another school's drafts stay private);
- the audit log for the guidance centre (filterable, CSV/XLSX export), under Reports;
- our own audit actions in Wagtail's log registry.
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from accounts.roles import is_centre_staff
from courses.models import CourseClass, CoursePage
from courses.selectors import providers_for_user
from enrolment.models import EnrolmentStatus
from publishing.audit import register_audit_actions
from publishing.selectors import SchoolSummary, school_summaries
from publishing.services import course_active_learners


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
    learners = course_active_learners(page.specific).count()
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


@hooks.register("before_delete_page")
def _no_deleting_courses_people_are_in(request, page):
    """Deleting a course would silently drop its learners' enrolments: take it down first (they are told),
    and let the school sort out the enrolments."""
    if isinstance(page.specific, CoursePage) and course_active_learners(page.specific).exists():
        messages.error(request, _("这门课程还有已报名或候补的学员，不能删除；请先下线课程（系统会短信通知学员）。"))
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_bulk_action")
def _bulk_unpublish_skips_no_learners(request, action_type, objects, action_class_instance):
    """Bulk unpublishing has no room for the learners confirmation, and deleting such a course is refused:
    courses people are enrolled in are taken down one at a time, from their own unpublish page."""
    if action_type not in ("unpublish", "delete"):
        return None
    with_learners = [
        page.get_admin_display_title()
        for page in objects
        if isinstance(page.specific, CoursePage) and course_active_learners(page.specific).exists()
    ]
    if not with_learners:
        return None
    messages.error(
        request,
        _("以下课程有已报名或候补的学员，请逐个下线（系统会确认并短信通知学员）：%(titles)s")
        % {"titles": "、".join(with_learners)},
    )
    return redirect(action_class_instance.next_url)


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
    from publishing.audit_views import AuditLogView

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
    from wagtail.permissions import policy_registry

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
    from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
    from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

    router.register_endpoint("images", _chooseable(ImagesAdminAPIViewSet))
    router.register_endpoint("documents", _chooseable(DocumentsAdminAPIViewSet))
