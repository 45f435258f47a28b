"""Wagtail admin hooks of enrolment: a course or class people learn in is not deleted.

One rule (enrolment.selectors: courses_with_learners, classes_with_learners), at every door of the admin:
deleting a course page, the bulk actions, and removing class rows in the course form (the
`refuse_class_removal` hook courses/forms.py defines). Deleting would take the learners' enrolments,
attendance and the hours their records count with it; such a course is taken down (unpublished) instead.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

from courses.forms import REFUSE_CLASS_REMOVAL
from courses.models import CoursePage
from enrolment.selectors import classes_with_learners, course_has_learners, courses_with_learners


def _current_learners_message() -> str:
    return _("这门课程还有已报名或候补的学员，不能删除；请先下线课程（系统会短信通知学员）。")


def _past_learners_message(title: str) -> str:
    return _("“%(title)s”已有学员报名或结业，不能删除；如需停办，请下线课程。") % {"title": title}


@hooks.register("before_delete_page")
def _keep_courses_people_learn_in(request, page):
    """People enrolled or waitlisted: take the course down first (they are texted). Only completions left:
    unpublish it; the certificates and hours stay."""
    course = page.specific
    if not isinstance(course, CoursePage) or not course_has_learners(course):
        return None
    if course_has_learners(course, current_only=True):
        messages.error(request, _current_learners_message())
    else:
        messages.error(request, _past_learners_message(page.title))
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_bulk_action")
def _bulk_actions_leave_courses_people_learn_in(request, action_type, objects, action_class_instance):
    """Bulk unpublishing has no room for the learners confirmation (publishing asks it on the course's own
    unpublish page), and bulk deleting follows the rule above: courses people are enrolled in or waitlisted for
    are taken down one at a time; a course anyone has completed is not deleted."""
    if action_type not in ("unpublish", "delete"):
        return None
    courses = {page.pk: page for page in objects if page.specific_class and issubclass(page.specific_class, CoursePage)}
    current = courses_with_learners(courses, current_only=True)
    past = courses_with_learners(courses) - current if action_type == "delete" else set()
    if not current and not past:
        return None
    if current:
        titles = "、".join(page.get_admin_display_title() for pk, page in courses.items() if pk in current)
        messages.error(
            request,
            _("以下课程有已报名或候补的学员，请逐个下线（系统会确认并短信通知学员）：%(titles)s") % {"titles": titles},
        )
    for pk in sorted(past):
        messages.error(request, _past_learners_message(courses[pk].get_admin_display_title()))
    return redirect(action_class_instance.next_url)


@hooks.register(REFUSE_CLASS_REMOVAL)
def _keep_classes_people_learn_in(classes):
    """Removing a class row deletes the class with its enrolments, attendance and recorded hours."""
    taken = list(classes_with_learners(c.pk for c in classes).values_list("label", flat=True))
    if not taken:
        return None
    return _("班次“%(labels)s”已有学员报名或结业，不能删除；如需停办，请先取消报名并通知学员。") % {
        "labels": "、".join(taken)
    }
