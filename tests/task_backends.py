"""The task backend most tests run with: each task runs in the test process as soon as the transaction that
queued it commits, where the real backend (django-tasks-db) stores it with that transaction for the worker.
Nothing runs for a rolled-back transaction, as with the worker. Tests of the worker itself, and of what runs on
it, are marked `task_worker` and keep the real backend (tests/conftest.py)."""

from django.db import transaction
from django.tasks.backends.immediate import ImmediateBackend


class ImmediateOnCommitBackend(ImmediateBackend):
    def _execute_task(self, task_result):
        transaction.on_commit(lambda: super(ImmediateOnCommitBackend, self)._execute_task(task_result))
