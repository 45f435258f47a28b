"""The catalogue's receivers: framework events bridged to one service call each.

- A page move: CoursePage.provider follows the school the page now sits under, and the moved courses are
  re-indexed.
- Search index upkeep (courses/search_index.py): a course published, unpublished or deleted, a class
  saved or deleted, and a category, audience, town, venue or school renamed re-index the courses they
  touch, after commit.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from accounts.models import Audience
from courses.models import Category, CourseClass, CoursePage, ProviderPage
from courses.search_index import course_index_queue, course_index_queue_moved, course_index_queue_naming
from courses.services import course_provider_sync
from places.models import Town, Venue


@receiver(post_page_move)
def course_provider_follows_move(sender, instance, **kwargs):
    course_provider_sync(moved_path=instance.path)


@receiver(post_page_move)
def course_index_follows_move(sender, instance, **kwargs):
    course_index_queue_moved(moved_path=instance.path)


@receiver(page_published, sender=CoursePage)
@receiver(page_unpublished, sender=CoursePage)
@receiver(post_delete, sender=CoursePage)
def course_index_follows_course(sender, instance, **kwargs):
    course_index_queue(course_ids=[instance.pk])


@receiver(post_save, sender=CourseClass)
@receiver(post_delete, sender=CourseClass)
def course_index_follows_class(sender, instance, **kwargs):
    course_index_queue(course_ids=[instance.course_id])


@receiver(post_save, sender=Category)
@receiver(pre_delete, sender=Category)
@receiver(post_save, sender=Audience)
@receiver(pre_delete, sender=Audience)
@receiver(post_save, sender=Town)
@receiver(pre_delete, sender=Town)
@receiver(post_save, sender=Venue)
@receiver(page_published, sender=ProviderPage)
def course_index_follows_names(sender, instance, **kwargs):
    course_index_queue_naming(named=instance)
