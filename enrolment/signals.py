"""Every receiver of enrolment, each one line calling a service.

- page_published CoursePage → course_waitlists_fill after commit: publishing a course writes its classes from
  the revision, perhaps with more seats; each class's waitlist moves up into them, in arrival order, and the
  promoted are texted. (Saving a class promotes nobody; a Wagtail page event is the one place every publish
  passes — the admin, scheduled publishing, the import, `revision.publish()` in code.)
"""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from courses.models import CoursePage
from enrolment.services import course_waitlists_fill


@receiver(page_published, sender=CoursePage)
def course_published(sender, instance, **kwargs):
    transaction.on_commit(lambda pk=instance.pk: course_waitlists_fill(course_id=pk))
