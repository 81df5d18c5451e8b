"""A visitor's question reaches the facilitators: each active facilitator is emailed (through the task worker,
after the question is stored), and the navigation and dashboard show how many questions wait, for facilitators
only."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from partnerships.roles import facilitators_group
from resources.models import FAQ, FAQStatus
from tests.conftest import make_user
from tests.html import visible_text

ASK_URL = reverse("resources:faq_ask")
QUEUE_URL = reverse("resources:faq_queue")
QUESTION = {"question": "Can schools be relevant agencies?\nAnd colleges?", "asker_email": "asker@example.org"}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def colleague(db):
    user = make_user("colleague", first_name="Chris")
    user.groups.add(facilitators_group())
    return user


def nav_count(html):
    """The count in the navigation's "Questions" entry, as a screen reader reads it; None if there is none."""
    nav = html[html.index('aria-label="Main"') : html.index("</nav>", html.index('aria-label="Main"'))]
    text = visible_text(nav)
    marker = " waiting for an answer"
    if marker not in text:
        return None
    return int(text[: text.index(marker)].split()[-1])


@pytest.mark.django_db
@override_settings(PORTAL_BASE_URL="https://ea-portal.example.org")
def test_each_active_facilitator_is_emailed_about_a_new_question(client, programme, facilitator, colleague, lead_a):
    make_user("former", is_active=False).groups.add(facilitators_group())
    no_address = make_user("no-address")
    no_address.groups.add(facilitators_group())
    type(no_address).objects.filter(pk=no_address.pk).update(email="")
    response = client.post(ASK_URL, QUESTION)
    assert response.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == ["colleague@example.org", "facilitator@example.org"]
    assert all(len(message.to) == 1 for message in mail.outbox)  # nobody sees the others' addresses
    message = next(message for message in mail.outbox if message.to == ["colleague@example.org"])
    assert message.subject == "A new question is waiting for an answer"
    assert message.body.startswith("Hello Chris,")
    assert "Can schools be relevant agencies?\nAnd colleges?" in message.body
    assert f"https://ea-portal.example.org{QUEUE_URL}" in message.body
    # The asker's address is for telling them about the answer, not for the facilitators' inboxes.
    assert "asker@example.org" not in message.body
    assert "It is the only question waiting" in message.body


@pytest.mark.django_db
def test_no_email_for_a_question_refused(client, programme, facilitator):
    response = client.post(ASK_URL, {"question": "", "asker_email": "not-an-email"})
    assert response.status_code == 200
    assert not FAQ.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_no_email_for_a_question_over_the_rate_limit(client, programme, facilitator, settings):
    settings.FAQ_QUESTION_RATE = "1/h"
    client.post(ASK_URL, QUESTION)
    assert client.post(ASK_URL, QUESTION).status_code == 429
    assert len(mail.outbox) == 1


@pytest.mark.task_worker
@pytest.mark.django_db(transaction=True)
def test_the_emails_are_tasks_stored_with_the_question(client, programme, facilitator, colleague):
    from django_tasks_db.models import DBTaskResult

    client.post(ASK_URL, QUESTION)
    assert FAQ.objects.count() == 1
    assert DBTaskResult.objects.count() == 2  # one per facilitator, for the worker
    assert mail.outbox == []  # nothing is sent in the request


@pytest.mark.django_db
def test_the_navigation_shows_facilitators_the_questions_waiting(client_for, programme, facilitator, lead_a):
    FAQ.objects.create(question="Who chairs the board?")
    FAQ.objects.create(question="How is scrutiny funded?")
    FAQ.objects.create(question="Answered", answer="Yes.", status=FAQStatus.DRAFT)
    home = reverse("home")
    page = client_for(facilitator).get(home).content.decode()
    assert nav_count(page) == 2
    assert f'href="{QUEUE_URL}"' in page
    # Leads and visitors have no queue (and an anonymous page, cached whole, never carries one).
    for user in (lead_a, None):
        page = client_for(user).get(home).content.decode()
        assert nav_count(page) is None
        assert f'href="{QUEUE_URL}"' not in page


@pytest.mark.django_db
def test_a_question_asked_raises_the_counts_and_answering_lowers_them(client_for, programme, facilitator):
    client = client_for(facilitator)
    dashboard = reverse("dashboard:dashboard")
    assert nav_count(client.get(dashboard).content.decode()) == 0
    client_for(None).post(ASK_URL, QUESTION)
    client = client_for(facilitator)
    page = client.get(dashboard).content.decode()
    assert nav_count(page) == 1
    assert "Unanswered FAQ questions 1" in visible_text(page)
    queue = client.get(QUEUE_URL).content.decode()
    assert nav_count(queue) == 1
    assert 'aria-current="page">Questions' in queue
    faq = FAQ.objects.get()
    client.post(reverse("resources:faq_discard", args=[faq.pk]))
    assert nav_count(client.get(reverse("home")).content.decode()) == 0


@pytest.mark.django_db
def test_the_queue_is_paginated(client_for, programme, facilitator):
    client = client_for(facilitator)
    FAQ.objects.bulk_create(FAQ(question=f"Question {number}?") for number in range(60))
    page = client.get(QUEUE_URL).content.decode()
    assert "60 questions from visitors waiting" in page
    assert page.count("Discard<span") == 50
    second = client.get(QUEUE_URL, {"page": 2}).content.decode()
    assert second.count("Discard<span") == 10
    assert nav_count(second) == 60
