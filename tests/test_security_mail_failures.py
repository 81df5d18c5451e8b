"""Emails go after the transaction commits and after the response; a mail failure never breaks the user's action.

All senders use ea_portal.mail.send_after_commit. A page that sends mail therefore answers as fast as one that
does not (password reset and newsletter sign-up for an unknown address), and a down mail server, or a subject
that cannot be sent, is logged while what the user did stands.
"""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse

from ea_portal.mail import send_after_commit
from learning.models import State
from partnerships.models import Theme
from resources.models import FAQ, FAQStatus, Subscriber
from tests.conftest import make_user
from tests.learning_data import make_example

EVENTS = []


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        EVENTS.extend(("mail", message.to[0]) for message in messages)
        return len(messages)


class RecordResponse:
    """Outermost middleware: notes when the view's response is ready to go to the client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        EVENTS.append(("response", request.path))
        return response


@pytest.fixture
def mail_server_down(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingBackend"}}


@pytest.fixture
def failures(caplog):
    caplog.set_level(logging.ERROR, logger="ea_portal.mail")
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
    assert "Could not send the email" in failures.text and "SMTPServerDisconnected" in failures.text


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
    assert "Could not send the email" in failures.text


def test_sign_up_and_password_reset_stand_when_the_mail_server_is_down(client, lead_a, mail_server_down, failures):
    response = client.post(reverse("resources:newsletter_signup"), {"email": "pat@example.org", "consent": "on"})
    assert response.status_code == 302 and Subscriber.objects.filter(email="pat@example.org").exists()
    response = client.post(reverse("password_reset"), {"email": lead_a.email}, follow=True)
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert failures.text.count("Could not send the email") == 2


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
            send_after_commit("Subject", "Body", ["someone@example.org"])
            raise RuntimeError
        send_after_commit("Committed", "Body", ["someone@example.org"])
    assert len(callbacks) == 1
    assert [email.subject for email in mail.outbox] == ["Committed"]


# The critical path: a real commit (a transactional test), so nothing but the response stands between the view
# and the mail; the mail must still wait until the response has been handed over.


@pytest.fixture
def recorded(settings):
    EVENTS.clear()
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RecordingBackend"}}
    settings.MIDDLEWARE = [f"{__name__}.RecordResponse", *settings.MIDDLEWARE]
    return EVENTS


@pytest.mark.django_db(transaction=True)
def test_password_reset_mail_is_sent_after_the_response(client, recorded):
    user = make_user("reset-me")
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert recorded == [("response", reverse("password_reset")), ("mail", user.email)]


@pytest.mark.django_db(transaction=True)
def test_newsletter_sign_up_mail_is_sent_after_the_response(client, recorded):
    response = client.post(reverse("resources:newsletter_signup"), {"email": "pat@example.org", "consent": "on"})
    assert response.status_code == 302
    assert recorded == [("response", reverse("resources:newsletter_signup")), ("mail", "pat@example.org")]


@pytest.mark.django_db(transaction=True)
def test_unknown_addresses_take_the_same_path_without_the_mail(client, recorded):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and recorded == [("response", reverse("password_reset"))]


def test_outside_a_request_mail_goes_at_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_after_commit("From a command", "Body", ["someone@example.org"])
    assert [email.subject for email in mail.outbox] == ["From a command"]
