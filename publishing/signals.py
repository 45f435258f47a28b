"""Every receiver of staff publishing, each one line calling a service (or queueing its task after commit).

Wagtail page and workflow events stay signals: they are the one place to hear a publish or a review decided
from every path — the admin, scheduled publishing, the course import, `revision.publish()` in code.

- page_published ProviderPage → provider_room_ensure: a school published (the import creates and publishes
  the schools it does not know; a rename is published) has its room, named after it.
- page_published CourseIndexPage → catalogue_review_ensure: the centre's rights and the review workflow.
- page_unpublished CoursePage → after commit, the learners still enrolled or waitlisted are texted.
- workflow_approved / workflow_rejected → after commit, the person who submitted is texted the decision (staff
  are reached by phone; Wagtail's own emails reach only those with an address).
- post_init / post_save of Enrolment, Certificate, Recognition → publishing.audit: the audit log's upkeep
  (a status change made by staff, a certificate issued or revoked, a credit-bank decision).

Creating a school or the catalogue in the admin is the `after_create_page` hook (publishing.wagtail_hooks);
jizhou/demo.py calls the services itself.
"""

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, workflow_approved, workflow_rejected

from core.queueing import queue_on_commit
from courses.models import CourseIndexPage, CoursePage, ProviderPage
from enrolment.models import Enrolment
from publishing import audit
from publishing.services import catalogue_review_ensure, provider_room_ensure
from publishing.tasks import notify_learners_course_unpublished, notify_submitter_of_review
from records.models import Certificate, Recognition


@receiver(page_published, sender=ProviderPage)
def school_published(sender, instance, **kwargs):
    provider_room_ensure(provider=instance)


@receiver(page_published, sender=CourseIndexPage)
def catalogue_published(sender, instance, **kwargs):
    catalogue_review_ensure(catalogue=instance)


@receiver(page_unpublished, sender=CoursePage)
def course_unpublished(sender, instance, **kwargs):
    queue_on_commit(notify_learners_course_unpublished, instance.pk)


@receiver(workflow_approved)
@receiver(workflow_rejected)
def review_decided(sender, instance, **kwargs):
    queue_on_commit(notify_submitter_of_review, instance.pk)


# --- The audit log's upkeep (publishing.audit) -------------------------------------------------------------


@receiver(post_init, sender=Enrolment)
@receiver(post_init, sender=Certificate)
@receiver(post_init, sender=Recognition)
def status_as_loaded(sender, instance, **kwargs):
    audit.remember_status(instance)


@receiver(post_save, sender=Enrolment)
def enrolment_saved(sender, instance, created, raw=False, **kwargs):
    audit.enrolment_change_log(instance, created=created, raw=raw)


@receiver(post_save, sender=Certificate)
def certificate_saved(sender, instance, created, raw=False, **kwargs):
    audit.certificate_log(instance, created=created, raw=raw)


@receiver(post_save, sender=Recognition)
def recognition_saved(sender, instance, created, raw=False, **kwargs):
    audit.recognition_decision_log(instance, created=created, raw=raw)
