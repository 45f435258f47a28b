"""Admin forms for catalogue pages.

Wagtail hooks the catalogue defines (apps above it register them in their wagtail_hooks.py; courses imports
none of them):

- ``refuse_class_removal(classes)`` — called when an editor removes saved class rows (班次) from a course, with
  the CourseClass instances being removed. Return a message to refuse (the form shows it and saves nothing),
  or None to allow. enrolment registers one: a class anyone is enrolled in, waitlisted for or has completed
  is not removed.
"""

from django.core.exceptions import ValidationError
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminPageForm

REFUSE_CLASS_REMOVAL = "refuse_class_removal"


class CoursePageForm(WagtailAdminPageForm):
    """Asks the `refuse_class_removal` hooks before class rows are removed: removing a row deletes the class
    and everything that hangs from it."""

    def clean(self):
        cleaned = super().clean()
        classes = self.formsets.get("classes")
        if classes is None or not classes.is_valid():
            return cleaned
        removed = [form.instance for form in classes.deleted_forms if form.instance.pk]
        if not removed:
            return cleaned
        for refuse in hooks.get_hooks(REFUSE_CLASS_REMOVAL):
            message = refuse(removed)
            if message:
                raise ValidationError(message)
        return cleaned
