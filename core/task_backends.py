"""Wagtail's own background work, run after the transaction that asked for it commits.

Wagtail queues two tasks through django-tasks on every save of a page, snippet or revision: its reference index
("where is this category used") and its admin search index. django-tasks' default backend runs each one at once,
inside the transaction of the save: publishing one course saves its page three times (created, revision,
published), so six index updates ran while the page's rows were locked, and a save that is rolled back had still
paid for them. Run after commit instead, they see only what was committed, never lengthen the transaction, and
run once per object however often the transaction saved it (each task reads its object afresh by its key).
(Our own work goes through Celery and core.queueing; this backend is only for what libraries queue here.)

A save outside any transaction commits at once, so its tasks run at once, as before.
"""

from django.db import transaction
from django.utils import timezone
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id


class AfterCommitBackend(ImmediateBackend):
    """django-tasks' immediate backend, deferred to `transaction.on_commit`, once per task and arguments."""

    def enqueue(self, task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        key = (task.module_path, repr(args), repr(sorted(kwargs.items())))
        connection = transaction.get_connection()
        # The same work already waiting for this commit? (A callback rolled back with its savepoint is no longer
        # in the list, so the work is queued again.)
        for _savepoints, waiting, _robust in connection.run_on_commit:
            if getattr(waiting, "task_key", None) == key:
                return waiting.task_result
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        # _execute_task is the immediate backend's own runner (it records a failure on the result instead of
        # raising, so a broken index update never fails the save); tests/core/test_task_backends.py proves
        # Wagtail's indexes are still filled through it, so an upgrade that renames it fails there.
        def run() -> None:
            self._execute_task(result)

        run.task_key, run.task_result = key, result
        transaction.on_commit(run, robust=True)
        return result
