"""Wagtail's reference index and admin search index, updated after the saving transaction commits
(core/task_backends.py)."""

import pytest
from django.db import transaction
from wagtail.models import ReferenceIndex
from wagtail.tasks import update_reference_index_task

from courses.models import Category, CoursePage
from tests.factories import course_page


def _found_by_admin_search(title: str) -> list[str]:
    # Wagtail's database backend does not cut Chinese into words: the admin finds a page by a whole run of it.
    return [page.title for page in CoursePage.objects.live().search(title)]


def _used_by(category: Category) -> set[int]:
    return {reference.object_id for reference in ReferenceIndex.get_references_to(category)}


@pytest.mark.django_db
def test_wagtail_indexes_are_filled_when_the_publishing_transaction_commits(tree, django_capture_on_commit_callbacks):
    category = Category.objects.create(name="果树栽培")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        course = course_page(tree["school_a"], title="梨树冬季修剪技术", category=category)
    # Published, but the transaction is still open: nothing indexed yet, the work is waiting for the commit.
    assert queued
    assert _found_by_admin_search("梨树冬季修剪技术") == []
    assert str(course.pk) not in _used_by(category)

    for callback in queued:
        callback()
    assert _found_by_admin_search("梨树冬季修剪技术") == ["梨树冬季修剪技术"]
    assert str(course.pk) in _used_by(category)


@pytest.mark.django_db
def test_a_save_that_is_rolled_back_indexes_nothing(tree, django_capture_on_commit_callbacks):
    category = Category.objects.create(name="果树栽培")
    with django_capture_on_commit_callbacks(execute=True) as ran:
        try:
            with transaction.atomic():
                course_page(tree["school_a"], title="苹果树修剪", category=category)
                raise RuntimeError("the school's editor cancelled")
        except RuntimeError:
            pass
    assert ran == []
    assert _found_by_admin_search("苹果树修剪") == []
    assert _used_by(category) == set()


@pytest.mark.django_db
def test_a_page_saved_three_times_in_one_transaction_is_indexed_once(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        course = course_page(tree["school_a"], title="梨树冬季修剪技术")  # created, revision saved, published
    wagtail_work = [callback.task_key for callback in queued if hasattr(callback, "task_key")]
    assert len(wagtail_work) == len(set(wagtail_work))
    about_the_course = [key for key in wagtail_work if "coursepage" in key[1] and repr(str(course.pk)) in key[1]]
    assert sorted(path.rsplit(".", 1)[-1] for path, _args, _kwargs in about_the_course) == [
        "insert_or_update_object_task",
        "update_reference_index_task",
    ]


@pytest.mark.django_db
def test_work_rolled_back_with_its_savepoint_is_queued_again_and_the_rest_once(django_capture_on_commit_callbacks):
    def index(pk):
        update_reference_index_task.enqueue("courses", "category", pk)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        index("1")
        try:
            with transaction.atomic():
                index("2")
                index("1")  # already waiting in the outer transaction
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        index("2")  # its first queueing went with the savepoint
        index("1")
        index("2")
    assert [callback.task_key[1] for callback in queued] == [
        repr(("courses", "category", "1")),
        repr(("courses", "category", "2")),
    ]
