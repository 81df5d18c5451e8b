"""Every link in every email is on the portal's public address (PORTAL_BASE_URL) and works.

Never django.contrib.sites' example.com, and never the Host header of the request that caused the email (which
whoever sends the request chooses). Each test reads the sent mail and follows every link in it to a 200.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from learning.models import State
from partnerships.models import Membership, MembershipRole, Theme
from resources.forms import consent_statement
from resources.models import FAQ, NewsletterIssue, Subscriber, SubscriberStatus
from resources.newsletter import newsletter_message
from tests.learning_data import make_example

BASE_URL = "https://ea-portal.example.org"
# A host the request claims; were it ever used for links, they would point here.
HOSTILE_HOST = "attacker.example"
URL = re.compile(r"https?://[^\s<>\"']+")


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.PORTAL_BASE_URL = BASE_URL
    # As if the deployment accepted any Host header: links must still not follow it.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOSTILE_HOST]


def links_in(message):
    """Every address in the email, checked to be on the public address; returned as paths to follow."""
    text = message.body + "".join(str(value) for value in message.extra_headers.values())
    # Closing punctuation after a link in running text ("… (https://…/matrix/).") is not part of it.
    urls = [url.rstrip(").,;") for url in URL.findall(text)]
    assert urls, f"no link in {message.subject!r}"
    assert "example.com" not in text and HOSTILE_HOST not in text and "testserver" not in text
    paths = []
    for url in urls:
        assert url.startswith(BASE_URL + "/"), url
        parts = urlsplit(url)
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def follow(client, path):
    response = client.get(path, follow=True, HTTP_HOST=HOSTILE_HOST)
    assert response.status_code == 200, path
    return response


def test_password_reset_link_works_and_sets_the_password(client, lead_a):
    client.post(reverse("password_reset"), {"email": "lead-a@example.org"}, HTTP_HOST=HOSTILE_HOST)
    (email,) = mail.outbox
    (path,) = links_in(email)
    form_page = follow(client, path)
    assert "new_password1" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-password-2", "new_password2": "a-brand-new-password-2"},
        HTTP_HOST=HOSTILE_HOST,
    )
    assert response.status_code == 302
    lead_a.refresh_from_db()
    assert lead_a.check_password("a-brand-new-password-2")


def test_invitation_links_work(client_for, facilitator, partnership_b):
    client_for(facilitator).post(
        reverse("partnerships:lead_create"),
        {"first_name": "Robin", "last_name": "Lead", "email": "robin@example.org", "partnership": partnership_b.pk},
        HTTP_HOST=HOSTILE_HOST,
    )
    (email,) = mail.outbox
    set_password, log_in = links_in(email)
    visitor = client_for(None)
    assert "new_password1" in follow(visitor, set_password).content.decode()
    assert "Log in" in follow(visitor, log_in).content.decode()


def test_re_adding_a_lead_who_never_chose_a_password_sends_a_fresh_working_invitation(
    client_for, facilitator, partnership_b
):
    data = {"first_name": "Robin", "last_name": "Lead", "email": "robin@example.org", "partnership": partnership_b.pk}
    facilitator_client = client_for(facilitator)
    facilitator_client.post(reverse("partnerships:lead_create"), data)
    first_link = links_in(mail.outbox[0])[0]

    response = facilitator_client.post(reverse("partnerships:lead_create"), data, follow=True)
    assert "has not chosen a password yet: we have emailed them a new link" in response.content.decode()
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["robin@example.org"]
    assert get_user_model().objects.filter(email="robin@example.org").count() == 1
    new_link = links_in(mail.outbox[1])[0]
    assert new_link != first_link
    visitor = client_for(None)
    assert "This link has expired or been used" in follow(visitor, first_link).content.decode()
    assert "new_password1" in follow(visitor, new_link).content.decode()


def test_re_adding_a_lead_who_has_a_password_sends_nothing(client_for, facilitator, lead_a, partnership_a):
    data = {"first_name": "Alex", "last_name": "A", "email": lead_a.email, "partnership": partnership_a.pk}
    response = client_for(facilitator).post(reverse("partnerships:lead_create"), data)
    assert response.status_code == 200 and "is already a lead of" in response.content.decode()
    assert not mail.outbox


def test_an_address_that_is_another_accounts_username_is_a_form_error(client_for, facilitator, partnership_b):
    get_user_model().objects.create_user(username="taken@example.org", email="someone-else@example.org")
    data = {"first_name": "Robin", "last_name": "Lead", "email": "Taken@Example.org", "partnership": partnership_b.pk}
    response = client_for(facilitator).post(reverse("partnerships:lead_create"), data)
    assert response.status_code == 200
    assert "Another account already has the username taken@example.org" in response.content.decode()
    assert not Membership.objects.filter(partnership=partnership_b, role=MembershipRole.LEAD).exists()
    assert not mail.outbox


def test_newsletter_confirmation_links_work(client, programme):
    client.post(
        reverse("resources:newsletter_signup"),
        {"email": "pat@example.org", "name": "Pat", "organisation": "Devon CC", "consent": "on"},
        HTTP_HOST=HOSTILE_HOST,
    )
    (email,) = mail.outbox
    (confirm,) = links_in(email)
    assert "Confirm" in follow(client, confirm).content.decode()


def test_workflow_notification_links_work(client_for, lead_a, facilitator, partnership_a):
    example = make_example(partnership_a)
    client_for(lead_a).post(
        reverse("learning:example_submit", args=[example.slug]), {"anonymity_confirmed": "on"}, HTTP_HOST=HOSTILE_HOST
    )
    (submitted,) = mail.outbox
    assert submitted.to == ["facilitator@example.org"]
    (path,) = links_in(submitted)
    assert example.title in follow(client_for(facilitator), path).content.decode()

    client_for(facilitator).post(
        reverse("learning:example_publish", args=[example.slug]),
        {"publish-anonymity_confirmed": "on"},
        HTTP_HOST=HOSTILE_HOST,
    )
    example.refresh_from_db()
    assert example.state == State.PUBLISHED
    published = mail.outbox[-1]
    assert published.to == ["lead-a@example.org"]
    (path,) = links_in(published)
    assert example.title in follow(client_for(None), path).content.decode()


def test_question_answered_link_works(client_for, facilitator, programme):
    question = FAQ.objects.create(question="Can schools be relevant agencies?", asker_email="asker@example.org")
    theme = Theme.objects.get(slug="engagement-with-schools")
    client_for(facilitator).post(
        reverse("resources:faq_answer", args=[question.pk]),
        {"theme": theme.pk, "question": question.question, "answer": "Yes."},
        HTTP_HOST=HOSTILE_HOST,
    )
    (email,) = mail.outbox
    (path,) = links_in(email)
    assert "Can schools be relevant agencies?" in follow(client_for(None), path).content.decode()


def test_sites_framework_is_gone(settings):
    # Its example.com was where reset links pointed; nothing else needed it.
    assert "django.contrib.sites" not in settings.INSTALLED_APPS and not hasattr(settings, "SITE_ID")


def test_newsletter_issue_links_work_in_both_parts(client, programme):
    # The issue's own Markdown links to a portal page by a relative address: the email must carry it absolute.
    issue = NewsletterIssue.objects.create(
        subject="Spring learning",
        slug="spring-learning",
        body="See the [EA theme matrix](/matrix/).",
        published_at=timezone.now(),
    )
    subscriber = Subscriber.objects.create(
        email="reader@example.org",
        status=SubscriberStatus.CONFIRMED,
        consent_text=consent_statement(),
        consented_at=timezone.now(),
    )
    message = newsletter_message(issue, subscriber)
    ((html, _mimetype),) = message.alternatives
    in_html = re.findall(r'href="([^"]+)"', html)
    assert in_html and all(href.startswith(BASE_URL + "/") for href in in_html), in_html
    paths = links_in(message) + [urlsplit(href).path for href in in_html]
    assert "/matrix/" in paths
    # The unsubscribe link last: following it shows the confirmation page (the POST unsubscribes).
    for path in sorted(set(paths), key=lambda path: "unsubscribe" in path):
        follow(client, path)
