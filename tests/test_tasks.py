"""Background tasks: Django's task framework with the database backend, run by the one worker command.

Tasks are rows in the portal's database, written in the transaction that causes them (so a rolled-back change
queues nothing), kept until the worker runs them, and the email task sends what it was given.
"""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from ea_portal.mail_tasks import send_email_task

# The worker closes a connection it finds inside a transaction: these tests commit, as production does.
pytestmark = [pytest.mark.task_worker, pytest.mark.django_db(transaction=True)]


def run_worker():
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)


def enqueue_email(**extra):
    return send_email_task.enqueue(
        "Your example was published",
        "It is on the portal: https://ea-portal.example.org/examples/1/",
        ["lead@example.org"],
        **extra,
    )


def test_the_default_backend_stores_tasks_in_the_database():
    assert isinstance(task_backends["default"], DatabaseBackend)


def test_a_task_is_queued_with_the_transaction_that_causes_it_or_not_at_all(mailoutbox):
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        enqueue_email()
        raise Undo
    assert not DBTaskResult.objects.exists()

    with transaction.atomic():
        result = enqueue_email()
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    assert not mailoutbox  # nothing is sent in the request; the worker sends it
    # What a restarted process sees: the stored task, found by its id.
    assert send_email_task.get_result(result.id).status == TaskResultStatus.READY


def test_the_worker_sends_the_email_with_its_html_part_and_headers(mailoutbox):
    result = enqueue_email(
        html_body="<p>It is <a href='https://ea-portal.example.org/examples/1/'>on the portal</a>.</p>",
        headers={"List-Unsubscribe": "<https://ea-portal.example.org/newsletter/unsubscribe/x/>"},
        reply_to=["facilitators@example.org"],
    )
    run_worker()
    assert send_email_task.get_result(result.id).status == TaskResultStatus.SUCCESSFUL
    (email,) = mailoutbox
    assert email.subject == "Your example was published"
    assert email.to == ["lead@example.org"] and email.reply_to == ["facilitators@example.org"]
    assert email.alternatives[0].mimetype == "text/html"
    assert email.message()["List-Unsubscribe"] == "<https://ea-portal.example.org/newsletter/unsubscribe/x/>"


def test_a_mail_server_failure_is_recorded_on_the_task_not_raised_in_the_request(settings):
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    # Nothing listens on the discard port: the connection is refused at once.
    settings.MAILERS = {"default": {"BACKEND": smtp, "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}}
    result = enqueue_email()  # the caller is not held up by the mail server
    run_worker()
    stored = send_email_task.get_result(result.id)
    assert stored.status == TaskResultStatus.FAILED
    assert stored.errors and "ConnectionRefusedError" in stored.errors[0].exception_class_path
    assert not mail.outbox
