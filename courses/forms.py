"""Admin forms for catalogue pages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class CoursePageForm(WagtailAdminPageForm):
    """Refuses removing a class that people are enrolled in, waitlisted for or have completed.

    Removing the inline row would delete the class and, with it, the learners' enrolments, attendance and
    the hours their learning records count. Such a class is ended or the course unpublished instead.
    """

    def clean(self):
        from courses.models import CourseClass
        from enrolment.models import ACTIVE_STATUSES

        cleaned = super().clean()
        classes = self.formsets.get("classes")
        if classes is None or not classes.is_valid():
            return cleaned
        removed = [form.instance.pk for form in classes.deleted_forms if form.instance.pk]
        taken = list(
            CourseClass.objects.filter(pk__in=removed, enrolments__status__in=ACTIVE_STATUSES)
            .distinct()
            .values_list("label", flat=True)
        )
        if taken:
            raise ValidationError(
                _("班次“%(labels)s”已有学员报名或结业，不能删除；如需停办，请先取消报名并通知学员。")
                % {"labels": "、".join(taken)}
            )
        return cleaned
