"""Cache upkeep: what changes a public page makes the anonymous page cache stale (jizhou/page_cache.py).

Each receiver only clears once the change is committed, so a page rendered from the
old data inside the transaction's lifetime is never stored under the new generation.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from activities.models import EventPage, EventSignup
from courses.models import CourseClass, CoursePage
from enrolment.models import Enrolment
from jizhou.page_cache import page_cache_clear, page_cache_clear_path


def _clear_after_commit(**_kwargs) -> None:
    transaction.on_commit(page_cache_clear)


for _signal in (page_published, page_unpublished, post_page_move):
    _signal.connect(_clear_after_commit, dispatch_uid=f"page_cache_{id(_signal)}")


@receiver(post_delete, dispatch_uid="page_cache_page_deleted")
def _page_deleted(sender, instance, **_kwargs) -> None:
    if isinstance(instance, Page):
        _clear_after_commit()


@receiver(post_save, sender=Enrolment, dispatch_uid="page_cache_enrolment_saved")
@receiver(post_delete, sender=Enrolment, dispatch_uid="page_cache_enrolment_deleted")
def _seats_changed(instance: Enrolment, **_kwargs) -> None:
    # "余 N 个名额" on the class's course page must be right at once (listings lag, see jizhou/page_cache.py).
    course_class_id = instance.course_class_id
    # Enrolment's services load the class with its course page: then no query is spent finding it again.
    course_class = instance.course_class if Enrolment.course_class.is_cached(instance) else None
    course = course_class.course if course_class and CourseClass.course.is_cached(course_class) else None
    transaction.on_commit(lambda: _clear_course_page(course_class_id, course))


def _clear_course_page(course_class_id: int, course: CoursePage | None = None) -> None:
    course = course or CoursePage.objects.filter(classes__pk=course_class_id).first()
    url_parts = course.get_url_parts() if course is not None else None
    if url_parts:  # (site id, root URL, path); None when the page is not routable
        page_cache_clear_path(url_parts[2])


@receiver(post_save, sender=EventSignup, dispatch_uid="page_cache_event_signup_saved")
@receiver(post_delete, sender=EventSignup, dispatch_uid="page_cache_event_signup_deleted")
def _event_seats_changed(instance: EventSignup, **_kwargs) -> None:
    # The event page's "剩余 N 个" and 报名 button, the same way as a course page's.
    event_id = instance.event_id
    transaction.on_commit(lambda: _clear_event_page(event_id))


def _clear_event_page(event_id: int) -> None:
    event = EventPage.objects.filter(pk=event_id).first()
    url_parts = event.get_url_parts() if event is not None else None
    if url_parts:
        page_cache_clear_path(url_parts[2])
