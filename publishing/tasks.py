"""Background work of staff publishing (queued after commit, idempotent, ids only)."""

from celery import shared_task

from accounts.sms import in_site_language
from publishing.services import course_unpublished_notify, review_decision_notify


@shared_task
@in_site_language
def notify_learners_course_unpublished(course_id: int) -> int:
    return course_unpublished_notify(course_id=course_id)


@shared_task
@in_site_language
def notify_submitter_of_review(workflow_state_id: int) -> bool:
    return review_decision_notify(workflow_state_id=workflow_state_id)
