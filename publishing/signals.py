"""Signals of staff publishing; each calls a service (publishing.services).

- A school (ProviderPage) created anywhere — admin, load_demo, a shell — gets its room at once; publishing a
  renamed school renames its group and collection.
- The catalogue (CourseIndexPage) gets the centre's rights and the review workflow when it is created.
- A course taken down while people are enrolled: they are texted after the transaction commits.
- A review decided: the person who submitted is texted (staff are reached by phone; Wagtail's own emails
  reach only those with an address).
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, workflow_approved, workflow_rejected

from accounts.roles import CENTRE_STAFF
from courses.models import CourseIndexPage, CoursePage, ProviderPage
from publishing import audit  # noqa: F401  (registers the enrolment audit receivers)
from publishing.services import (
    centre_rights_ensure,
    course_active_learners,
    provider_room_ensure,
    review_workflow_ensure,
)


@receiver(post_save, sender=ProviderPage)
def provider_room_on_create(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        provider_room_ensure(provider=instance)


@receiver(page_published, sender=ProviderPage)
def provider_room_on_publish(sender, instance, **kwargs):
    provider_room_ensure(provider=instance)


@receiver(post_save, sender=CourseIndexPage)
def catalogue_review_on_create(sender, instance, created, raw=False, **kwargs):
    if created and not raw and Group.objects.filter(name=CENTRE_STAFF).exists():
        centre_rights_ensure(catalogue=instance)
        review_workflow_ensure(catalogue=instance)


@receiver(page_unpublished, sender=CoursePage)
def course_unpublished_tell_learners(sender, instance, **kwargs):
    if not course_active_learners(instance).exists():
        return
    from publishing.tasks import notify_learners_course_unpublished

    transaction.on_commit(lambda pk=instance.pk: notify_learners_course_unpublished.delay(pk))


@receiver(workflow_approved)
@receiver(workflow_rejected)
def review_decided_tell_submitter(sender, instance, user=None, **kwargs):
    if instance.requested_by_id is None:
        return
    from publishing.tasks import notify_submitter_of_review

    transaction.on_commit(lambda pk=instance.pk: notify_submitter_of_review.delay(pk))
