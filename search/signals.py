"""Publishing, unpublishing, deleting a course and changing its classes queue a re-index after commit."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from courses.models import CourseClass, CoursePage
from search.analysis import bump_dictionary_version, bump_synonyms_version
from search.models import DictionaryWord, Synonym


def queue_course_update(course_id: int) -> None:
    from search.tasks import course_index_update_task

    transaction.on_commit(lambda: course_index_update_task.delay(course_id))


@receiver(page_published, sender=CoursePage)
@receiver(page_unpublished, sender=CoursePage)
@receiver(post_delete, sender=CoursePage)
def course_changed(sender, instance, **kwargs):
    queue_course_update(instance.pk)


@receiver(post_save, sender=CourseClass)
@receiver(post_delete, sender=CourseClass)
def course_class_changed(sender, instance, **kwargs):
    if instance.course_id:
        queue_course_update(instance.course_id)


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def synonyms_changed(sender, **kwargs):
    # Synonyms are applied to queries, so a change takes effect at once without re-indexing.
    transaction.on_commit(bump_synonyms_version)


@receiver(post_save, sender=DictionaryWord)
@receiver(post_delete, sender=DictionaryWord)
def dictionary_changed(sender, instance, **kwargs):
    # Words are cut at indexing time: reload the dictionary, then re-cut the courses that contain it.
    from search.tasks import reindex_courses_containing_task

    word = instance.word

    def after_commit():
        bump_dictionary_version()
        reindex_courses_containing_task.delay(word)

    transaction.on_commit(after_commit)
