"""Sending a newsletter from the portal: a facilitator sees whom a published issue will reach, confirms, and the
worker emails it in batches while the issue's page shows the progress; it can never be sent twice."""

import json
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from resources.models import DeliveryStatus, NewsletterDelivery, NewsletterSend, SendStatus
from tests import test_newsletter_send

pytestmark = [pytest.mark.task_worker, pytest.mark.django_db]
make_issue = test_newsletter_send.make_issue
audience = test_newsletter_send.audience  # the same subscribers as send_newsletter's tests


def send_url(issue):
    return reverse("resources:newsletter_issue_send", args=[issue.slug])


def progress_url(issue):
    return reverse("resources:newsletter_issue_send_progress", args=[issue.slug])


def run_worker():
    """The real worker command, run until nothing is ready (deferred watchdogs stay queued). Tests using it commit
    (transaction=True), as the worker closes a connection it finds inside a transaction."""
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)


@pytest.fixture
def issue(audience):
    return make_issue(themes=[audience["scrutiny"]])


@pytest.fixture
def small_batches(settings):
    settings.NEWSLETTER_SEND_BATCH_SIZE = 4


def test_facilitator_sees_how_many_subscribers_each_choice_reaches(client_for, facilitator, issue):
    html = client_for(facilitator).get(issue.get_absolute_url()).content.decode()
    # 12 interested in Independent scrutiny, 3 who chose no theme; 20 confirmed in all (pending and gone left out).
    assert "Subscribers interested in Independent scrutiny or in every theme: 15" in html
    assert "Every confirmed subscriber: 20" in html
    assert f'action="{send_url(issue)}"' in html
    assert "manage.py send_newsletter" not in html


def test_an_issue_without_themes_offers_everyone(client_for, facilitator, audience):
    html = client_for(facilitator).get(make_issue().get_absolute_url()).content.decode()
    assert "Every confirmed subscriber: 20" in html and "interested in" not in html


def test_a_draft_cannot_be_sent(client_for, facilitator, audience):
    draft = make_issue(published=False)
    client = client_for(facilitator)
    assert "Publish it first" in client.get(draft.get_absolute_url()).content.decode()
    assert client.post(send_url(draft), {"audience": "all"}).status_code == 404
    assert not NewsletterSend.objects.exists()


def test_only_facilitators_see_the_send_panel(client_for, lead_a, issue):
    for user in (lead_a, None):
        html = client_for(user).get(issue.get_absolute_url()).content.decode()
        assert "Email it to subscribers" not in html and "confirmed subscriber" not in html


@pytest.mark.parametrize(
    ("who", "expected"),
    [("facilitator", {302, 200}), ("lead_a", {403}), ("lead_b", {403}), (None, {302})],
)
def test_send_and_progress_roles(client_for, request, issue, who, expected):
    user = request.getfixturevalue(who) if who else None
    client = client_for(user)
    post = client.post(send_url(issue), {"audience": "themes"})
    get = client.get(progress_url(issue))
    for response in (post, get):
        assert response.status_code in expected
        if user is None:
            assert response["Location"].startswith(reverse("login"))
    assert NewsletterSend.objects.exists() == (who == "facilitator")


def test_confirming_queues_the_send_once_and_a_second_post_is_refused(client_for, facilitator, issue):
    client = client_for(facilitator)
    response = client.post(send_url(issue), {"audience": "themes"}, follow=True)
    html = response.content.decode()
    assert "is being sent to 15 subscribers" in html
    assert "Waiting for the worker to start sending to 15 subscribers." in html
    assert 'src="/static/js/newsletter_progress.js"' in html
    send = NewsletterSend.objects.get()
    assert (send.status, send.total, send.send_to_all, send.requested_by) == (SendStatus.QUEUED, 15, False, facilitator)
    # The batch is ready now; its watchdog waits for the stall time.
    assert DBTaskResult.objects.ready().count() == 1
    assert DBTaskResult.objects.count() == 2

    again = client.post(send_url(issue), {"audience": "all"}, follow=True).content.decode()
    assert "has already been sent (or is being sent): it cannot be sent twice" in again
    assert NewsletterSend.objects.count() == 1
    assert DBTaskResult.objects.count() == 2


def test_an_unknown_audience_is_refused_with_the_form_again(client_for, facilitator, issue):
    response = client_for(facilitator).post(send_url(issue), {"audience": "partners"})
    assert response.status_code == 400
    assert "There is a problem with what you entered" in response.content.decode()
    assert not NewsletterSend.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_every_batch_and_the_page_shows_the_outcome(
    client_for,
    facilitator,
    issue,
    audience,
    small_batches,
    mailoutbox,
):
    client = client_for(facilitator)
    client.post(send_url(issue), {"audience": "themes"})
    assert not mailoutbox  # nothing goes until the worker runs
    progress = client.get(progress_url(issue)).json()
    assert (progress["status"], progress["sent"], progress["total"], progress["done"]) == ("queued", 0, 15, False)

    run_worker()

    expected = Counter(subscriber.email for subscriber in audience["matching"])
    assert Counter(email.to[0] for email in mailoutbox) == expected  # each exactly once
    for email in mailoutbox:
        assert email.alternatives[0].mimetype == "text/html"
        assert "Learning from" in email.body and "<strong>the Early Adopters</strong>" in email.alternatives[0].content
        message = email.message()
        assert message["List-Unsubscribe"].startswith("<http://localhost:8000/newsletter/unsubscribe/")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # 15 messages in batches of 4: four batch tasks, each queuing the next in its own transaction.
    batches = DBTaskResult.objects.filter(task_path="resources.newsletter.send_newsletter_batch")
    assert batches.successful().count() == 4
    progress = client.get(progress_url(issue)).json()
    assert (progress["status"], progress["sent"], progress["failed"], progress["done"]) == ("done", 15, 0, True)
    html = client.get(issue.get_absolute_url()).content.decode()
    assert "15 of 15 sent, 0 refused by the mail server" in html
    assert "newsletter_progress.js" not in html  # nothing left to poll for
    assert NewsletterDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 15


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_half_way_is_resumed_by_the_watchdog(
    client_for,
    facilitator,
    issue,
    audience,
    small_batches,
    mailoutbox,
):
    client = client_for(facilitator)
    client.post(send_url(issue), {"audience": "themes"})
    call_command("db_worker", "--batch", "--max-tasks", "1", "--no-reload", "--no-startup-delay", verbosity=0)
    assert len(mailoutbox) == 4
    # The worker is killed during the next batch, while handing the 5th message over: its task stays "running"
    # for ever, and that subscriber's claim is left in doubt.
    send = NewsletterSend.objects.get()
    DBTaskResult.objects.filter(pk=send.task_id).update(status="RUNNING")
    in_doubt = NewsletterDelivery.objects.create(issue=issue, subscriber=audience["matching"][4])
    assert not DBTaskResult.objects.ready().exists()

    # Once the stall time has passed with no progress, the watchdog's turn comes and it resumes the send.
    NewsletterSend.objects.filter(pk=send.pk).update(updated=timezone.now() - timedelta(minutes=6))
    DBTaskResult.objects.filter(task_path="resources.newsletter.watch_newsletter_send").update(run_after=timezone.now())
    run_worker()

    sent_to = Counter(email.to[0] for email in mailoutbox)
    expected = Counter(subscriber.email for subscriber in audience["matching"] if subscriber != in_doubt.subscriber)
    assert sent_to == expected  # nobody twice, nobody missed but the one in doubt
    progress = client.get(progress_url(issue)).json()
    assert (progress["sent"], progress["in_doubt"], progress["done"]) == (14, 1, True)
    assert "1 message(s) were being handed to the mail server" in progress["summary"]
    # The watchdog stops once the send is done: nothing is left waiting for it.
    watchdogs = DBTaskResult.objects.filter(task_path="resources.newsletter.watch_newsletter_send")
    assert watchdogs.filter(status="READY").count() == 1  # the one re-queued before the resume finished
    watchdogs.update(run_after=timezone.now())
    run_worker()
    assert not DBTaskResult.objects.ready().exists()


def test_progress_answer_is_small_and_uncached(client_for, facilitator, issue):
    client = client_for(facilitator)
    client.post(send_url(issue), {"audience": "all"})
    response = client.get(progress_url(issue))
    assert response["Cache-Control"] == "no-store"
    assert set(json.loads(response.content)) == {
        "status", "total", "sent", "failed", "handled", "in_doubt", "done", "summary",
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_mail_server_is_shown_and_the_send_retried(
    client_for, facilitator, issue, audience, small_batches, settings
):
    failing = test_newsletter_send.MailServerDiesAfter
    settings.MAILERS = {"default": {"BACKEND": f"{failing.__module__}.{failing.__name__}"}}
    failing.limit = 2
    try:
        client = client_for(facilitator)
        client.post(send_url(issue), {"audience": "themes"})
        run_worker()
        batch = DBTaskResult.objects.get(task_path="resources.newsletter.send_newsletter_batch")
        assert batch.status == "FAILED"
        NewsletterSend.objects.update(updated=timezone.now() - timedelta(minutes=6))
        progress = client.get(progress_url(issue)).json()
        assert (progress["sent"], progress["in_doubt"], progress["done"]) == (2, 0, False)
        assert "Sending has not moved since" in progress["summary"]
        assert "Last problem:" in progress["summary"] and "SMTP server went away" in progress["summary"]

        failing.limit = None  # the mail server is back; the watchdog's turn comes
        DBTaskResult.objects.filter(task_path="resources.newsletter.watch_newsletter_send").update(
            run_after=timezone.now()
        )
        run_worker()
    finally:
        failing.limit = None
    expected = Counter(subscriber.email for subscriber in audience["matching"])
    assert Counter(email.to[0] for email in mail.outbox) == expected
    progress = client.get(progress_url(issue)).json()
    assert progress["done"] and "Last problem" not in progress["summary"]
    assert NewsletterSend.objects.get().last_error == ""


@pytest.mark.django_db(transaction=True)
def test_a_send_newsletter_run_that_dies_is_finished_by_the_worker(issue, audience, small_batches, settings):
    failing = test_newsletter_send.MailServerDiesAfter
    settings.MAILERS = {"default": {"BACKEND": f"{failing.__module__}.{failing.__name__}"}}
    failing.limit = 6
    try:
        with pytest.raises(ConnectionError):
            test_newsletter_send.send(issue.slug)
    finally:
        failing.limit = None
    # Nobody reruns the command: once the send has been still for the stall time, the worker carries it on.
    NewsletterSend.objects.update(updated=timezone.now() - timedelta(minutes=6))
    DBTaskResult.objects.filter(task_path="resources.newsletter.watch_newsletter_send").update(run_after=timezone.now())
    run_worker()
    expected = Counter(subscriber.email for subscriber in audience["matching"])
    assert Counter(email.to[0] for email in mail.outbox) == expected
    assert NewsletterSend.objects.get().status == SendStatus.DONE
