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
        waiting = _waiting_for_commit(connection, key)
        if waiting is not None:
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
        if connection.in_atomic_block:
            run.position = len(connection.run_on_commit)
            _queued(connection)[key] = run
        transaction.on_commit(run, robust=True)
        return result


def _queued(connection) -> dict:
    """The tasks this connection queued for its commit, by key (an attribute of the per-thread connection)."""
    if not connection.run_on_commit:  # committed or rolled back since: nothing is waiting any more
        connection.jizhou_queued_tasks = {}
    return connection.__dict__.setdefault("jizhou_queued_tasks", {})


def _waiting_for_commit(connection, key):
    """The same work already waiting for this commit, or None. Found by its key and checked at the place it was
    queued: a long transaction (an import of thousands of courses) queues thousands, and a scan per save would be
    quadratic. The list only grows until commit, except that a savepoint rolled back takes out the callbacks
    queued since it began (the end of the list), so the others keep their places. When the entry at the place is
    not this work, the list is scanned: normally it went with its savepoint, and is then queued again."""
    run = _queued(connection).get(key)
    if run is None:
        return None
    queue = connection.run_on_commit
    if run.position < len(queue) and queue[run.position][1] is run:
        return run
    return next((waiting for _, waiting, _ in queue if waiting is run), None)
