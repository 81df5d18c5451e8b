"""Emails are tasks queued with the transaction and sent by the worker; a mail failure never breaks the user's action.

All senders use ea_portal.mail.queue_email. A page that sends mail therefore only stores a task (password reset
and newsletter sign-up answer alike for known and unknown addresses), and a down mail server, or a subject that
cannot be sent, fails the task, which is logged, while what the user did stands.
"""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from ea_portal.mail import queue_email
from learning.models import State
from partnerships.models import Theme
from resources.models import FAQ, FAQStatus, Subscriber
from tests.conftest import make_user
from tests.learning_data import make_example


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def mail_server_down(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingBackend"}}


@pytest.fixture
def failures(caplog):
    caplog.set_level(logging.ERROR, logger="django.tasks")
    return caplog


def test_submitting_stands_when_the_mail_server_is_down(
    client_for, lead_a, partnership_a, facilitator, mail_server_down, failures
):
    example = make_example(partnership_a)
    response = client_for(lead_a).post(
        reverse("learning:example_submit", args=[example.slug]), {"anonymity_confirmed": "on"}
    )
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.state == State.SUBMITTED
    assert "send_email_task state=FAILED" in failures.text and "SMTPServerDisconnected" in failures.text


def test_answering_a_question_stands_when_the_mail_server_is_down(
    client_for, programme, facilitator, mail_server_down, failures
):
    question = FAQ.objects.create(question="Can schools be relevant agencies?", asker_email="asker@example.org")
    theme = Theme.objects.get(slug="engagement-with-schools")
    response = client_for(facilitator).post(
        reverse("resources:faq_answer", args=[question.pk]),
        {"theme": theme.pk, "question": question.question, "answer": "Yes."},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == FAQStatus.PUBLISHED
    assert "send_email_task state=FAILED" in failures.text


def test_sign_up_and_password_reset_stand_when_the_mail_server_is_down(client, lead_a, mail_server_down, failures):
    response = client.post(reverse("resources:newsletter_signup"), {"email": "pat@example.org", "consent": "on"})
    assert response.status_code == 302 and Subscriber.objects.filter(email="pat@example.org").exists()
    response = client.post(reverse("password_reset"), {"email": lead_a.email}, follow=True)
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert failures.text.count("send_email_task state=FAILED") == 2


def test_adding_a_lead_stands_when_the_mail_server_is_down(client_for, facilitator, partnership_b, mail_server_down):
    data = {"first_name": "Robin", "last_name": "Lead", "email": "robin@example.org", "partnership": partnership_b.pk}
    response = client_for(facilitator).post(reverse("partnerships:lead_create"), data)
    assert response.status_code == 302
    assert partnership_b.memberships.filter(user__email="robin@example.org").exists()


def test_a_title_with_a_line_break_still_gives_a_sendable_subject(client_for, lead_a, partnership_a, facilitator):
    example = make_example(partnership_a, title="Two\r\nlines")
    response = client_for(lead_a).post(
        reverse("learning:example_submit", args=[example.slug]), {"anonymity_confirmed": "on"}
    )
    assert response.status_code == 302
    (email,) = mail.outbox
    assert "\n" not in email.subject and "\r" not in email.subject and "Two lines" in email.subject
    email.message()  # raises BadHeaderError for a subject with a line break


def test_nothing_is_sent_for_a_rolled_back_transaction(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            queue_email("Subject", "Body", ["someone@example.org"])
            raise RuntimeError
        queue_email("Committed", "Body", ["someone@example.org"])
    assert len(callbacks) == 1
    assert [email.subject for email in mail.outbox] == ["Committed"]


# The critical path, with the real task backend and real commits: the request only stores a task; the worker sends.


def queued_emails():
    return list(DBTaskResult.objects.filter(task_path="ea_portal.mail_tasks.send_email_task"))


def run_worker():
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)


@pytest.mark.task_worker
@pytest.mark.django_db(transaction=True)
def test_password_reset_queues_one_task_for_a_known_or_an_unknown_address(client):
    user = make_user("reset-me")
    for email in [user.email, "nobody@example.org"]:
        response = client.post(reverse("password_reset"), {"email": email})
        assert response.status_code == 302
    # The same work in the request for both: one stored task each, and no mail yet.
    assert DBTaskResult.objects.filter(task_path="partnerships.accounts.send_password_reset").count() == 2
    assert mail.outbox == []
    run_worker()
    assert [email.to for email in mail.outbox] == [[user.email]]


@pytest.mark.task_worker
@pytest.mark.django_db(transaction=True)
def test_newsletter_sign_up_only_queues_its_mail_for_the_worker(client):
    response = client.post(reverse("resources:newsletter_signup"), {"email": "pat@example.org", "consent": "on"})
    assert response.status_code == 302
    assert len(queued_emails()) == 1 and mail.outbox == []
    run_worker()
    assert [email.to for email in mail.outbox] == [["pat@example.org"]]


def test_outside_a_request_mail_goes_at_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email("From a command", "Body", ["someone@example.org"])
    assert [email.subject for email in mail.outbox] == ["From a command"]
