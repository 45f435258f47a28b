from celery import shared_task

from search.services import course_index_update


@shared_task(name="search.course_index_update", ignore_result=True)
def course_index_update_task(course_id: int) -> None:
    """Bring one course's search documents in line with its live state (safe to run twice)."""
    course_index_update(course_id=course_id)


@shared_task(name="search.reindex_courses_containing", ignore_result=True)
def reindex_courses_containing_task(word: str) -> None:
    """After a dictionary word changes, re-cut the live courses whose text contains it."""
    from django.db.models import Q

    from courses.models import CoursePage

    containing = Q(title__contains=word) | Q(summary__contains=word) | Q(body__contains=word)
    for course_id in (
        CoursePage.objects.live().filter(containing | Q(keywords__contains=word)).values_list("pk", flat=True)
    ):
        course_index_update(course_id=course_id)
