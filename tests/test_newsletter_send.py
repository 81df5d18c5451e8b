"""manage.py send_newsletter: the right people, exactly once, even when a run dies half-way and is rerun."""

import io
import smtplib
from collections import Counter

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from partnerships.models import Theme
from resources.models import (
    DeliveryStatus,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterSend,
    SendStatus,
    Subscriber,
    SubscriberStatus,
)

pytestmark = [pytest.mark.task_worker, pytest.mark.django_db]


class MailServerDiesAfter(EmailBackend):
    """The locmem backend, failing like a dropped SMTP connection once `limit` messages have gone."""

    limit = None

    def send_messages(self, messages):
        if MailServerDiesAfter.limit is not None and len(mail.outbox) >= MailServerDiesAfter.limit:
            raise ConnectionError("SMTP server went away")
        return super().send_messages(messages)


@pytest.fixture
def failing_mail_server(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.MailServerDiesAfter"}}
    yield MailServerDiesAfter
    MailServerDiesAfter.limit = None


def make_subscriber(email, status=SubscriberStatus.CONFIRMED, themes=()):
    subscriber = Subscriber.objects.create(
        email=email, status=status, consent_text=settings.NEWSLETTER_CONSENT_TEXT, consented_at=timezone.now()
    )
    subscriber.themes.set(themes)
    return subscriber


def make_issue(themes=(), published=True):
    issue = NewsletterIssue.objects.create(
        subject="Spring update",
        slug="spring-update",
        body="Learning from **the Early Adopters**.",
        published_at=timezone.now() if published else None,
    )
    issue.themes.set(themes)
    return issue


def send(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("send_newsletter", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def recipients_in_outbox():
    return Counter(email.to[0] for email in mail.outbox)


@pytest.fixture
def audience(programme):
    scrutiny = Theme.objects.get(slug="independent-scrutiny")
    cdr = Theme.objects.get(slug="child-death-review")
    confirmed_scrutiny = [make_subscriber(f"scrutiny{n}@example.org", themes=[scrutiny]) for n in range(12)]
    confirmed_cdr = [make_subscriber(f"cdr{n}@example.org", themes=[cdr]) for n in range(5)]
    confirmed_everything = [make_subscriber(f"all{n}@example.org") for n in range(3)]
    make_subscriber("pending@example.org", status=SubscriberStatus.PENDING, themes=[scrutiny])
    make_subscriber("gone@example.org", status=SubscriberStatus.UNSUBSCRIBED, themes=[scrutiny])
    return {"scrutiny": scrutiny, "matching": confirmed_scrutiny + confirmed_everything, "cdr": confirmed_cdr}


def test_sends_to_confirmed_subscribers_interested_in_the_themes(audience):
    issue = make_issue(themes=[audience["scrutiny"]])
    out, err = send(issue.slug, "--batch-size", "5")
    expected = {subscriber.email for subscriber in audience["matching"]}
    assert recipients_in_outbox() == Counter(expected)
    assert "Sent “Spring update” to 15 subscriber(s)" in out
    assert "15/15" in err  # the progress bar's last state
    assert NewsletterDelivery.objects.filter(issue=issue, status=DeliveryStatus.SENT).count() == 15


def test_every_email_has_one_click_unsubscribe(audience, client):
    issue = make_issue(themes=[audience["scrutiny"]])
    send(issue.slug)
    for email in mail.outbox:
        assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = email.extra_headers["List-Unsubscribe"].strip("<>")
        assert url in email.body
        assert "Learning from the Early Adopters." in email.body
        html, mimetype = email.alternatives[0]
        assert mimetype == "text/html"
        assert "<strong>the Early Adopters</strong>" in html
        assert f'href="{url}"' in html
    message = mail.outbox[0].message()
    assert message["List-Unsubscribe"].startswith("<http")
    # The one-click POST a mail client makes, with no CSRF token, unsubscribes.
    path = url.split("://", 1)[1].split("/", 1)[1]
    client.post(f"/{path}", "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert Subscriber.objects.get(email=mail.outbox[-1].to[0]).status == SubscriberStatus.UNSUBSCRIBED


def test_issue_without_themes_or_all_flag_goes_to_every_confirmed_subscriber(audience):
    send(make_issue().slug)
    assert len(recipients_in_outbox()) == 20
    assert set(recipients_in_outbox().values()) == {1}
    assert "pending@example.org" not in recipients_in_outbox()
    assert "gone@example.org" not in recipients_in_outbox()


def test_all_flag_ignores_the_themes(audience):
    issue = make_issue(themes=[audience["scrutiny"]])
    send(issue.slug, "--all")
    assert len(recipients_in_outbox()) == 20


def test_a_run_killed_half_way_and_rerun_sends_to_everyone_exactly_once(audience, failing_mail_server):
    issue = make_issue(themes=[audience["scrutiny"]])
    failing_mail_server.limit = 7  # dies in the middle of the second batch of five
    with pytest.raises(ConnectionError):
        send(issue.slug, "--batch-size", "5")
    assert len(mail.outbox) == 7
    # What was sent is recorded; the rest of the interrupted batch was released, not left claimed.
    assert NewsletterDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 7
    assert not NewsletterDelivery.objects.filter(status=DeliveryStatus.SENDING).exists()

    failing_mail_server.limit = None
    out, _ = send(issue.slug, "--batch-size", "5")
    assert "to 8 subscriber(s)" in out
    expected = Counter(subscriber.email for subscriber in audience["matching"])
    assert recipients_in_outbox() == expected  # each exactly once
    # A third run sends nothing more.
    send(issue.slug)
    assert recipients_in_outbox() == expected


def test_deliveries_left_in_doubt_are_not_resent_unless_asked(audience):
    """A process killed outright between sending and recording leaves a claim; by default nobody is sent twice."""
    issue = make_issue(themes=[audience["scrutiny"]])
    in_doubt = audience["matching"][0]
    NewsletterDelivery.objects.create(issue=issue, subscriber=in_doubt, status=DeliveryStatus.SENDING)
    out, _ = send(issue.slug)
    assert in_doubt.email not in recipients_in_outbox()
    assert "1 message(s) were being handed to the mail server when an earlier run stopped" in out
    send(issue.slug, "--retry-in-doubt")
    assert recipients_in_outbox()[in_doubt.email] == 1


def test_unpublished_or_unknown_issue_is_refused(audience):
    make_issue(published=False)
    with pytest.raises(CommandError, match="not published yet"):
        send("spring-update")
    with pytest.raises(CommandError, match="No newsletter issue"):
        send("no-such-issue")
    assert not mail.outbox


def test_issue_can_be_named_by_id(audience):
    issue = make_issue()
    send(str(issue.pk))
    assert len(mail.outbox) == 20


def test_both_parts_link_to_the_portal_by_its_public_address(audience, settings):
    settings.PORTAL_BASE_URL = "https://ea-portal.example.org"
    issue = make_issue()
    issue.body = (
        "See the [EA theme matrix](/matrix/) and [NCB](https://www.ncb.org.uk/).\n\n"
        "- [the archive](../)\n- <https://www.ncb.org.uk/>\n\n1. first\n2. second\n\n<script>alert(1)</script>"
    )
    issue.save()
    send(issue.slug)
    email = mail.outbox[0]
    assert "See the EA theme matrix (https://ea-portal.example.org/matrix/) and NCB (https://www.ncb.org.uk/)." in (
        email.body
    )
    assert "- the archive (https://ea-portal.example.org/newsletter/archive/)" in email.body
    assert "- https://www.ncb.org.uk/\n\n1. first\n2. second\n" in email.body  # an address shown as itself once
    assert "Read this issue online: https://ea-portal.example.org/newsletter/archive/spring-update/" in email.body
    html = email.alternatives[0][0]
    assert 'href="https://ea-portal.example.org/matrix/"' in html
    assert 'href="https://ea-portal.example.org/newsletter/archive/"' in html
    assert "<script" not in html and "alert(1)" not in email.body
    assert "<table" not in html  # a plain layout mail clients render as it is
    assert 'href="/' not in html and "localhost" not in html + email.body
    assert email.message()["List-Unsubscribe"].startswith("<https://ea-portal.example.org/newsletter/unsubscribe/")


def test_recipients_are_paged_by_key_with_the_same_queries_for_every_batch(
    audience, django_assert_num_queries, mailoutbox
):
    from resources.newsletter import create_send, send_batch

    issue = make_issue()
    send_record = create_send(issue)
    # Each batch reads one page of subscribers after the last one dealt with (plus the issue's themes); then for
    # each message one transaction (2) claims it (3, with a savepoint) and records the one before (2); the last
    # is recorded in a transaction of its own. The first batch and the last cost the same, whatever came before.
    with django_assert_num_queries(2 + 5 * (2 + 3) + 4 * 2 + (2 + 2)) as first:
        assert send_batch(send_record, 5)
    send_batch(send_record, 5)
    send_batch(send_record, 5)
    with django_assert_num_queries(len(first.captured_queries)):
        assert send_batch(send_record, 5)
    assert not send_batch(send_record, 5)
    assert len(mailoutbox) == 20


class RefusesOneAddress(EmailBackend):
    """The locmem backend, with a mail server that refuses one recipient's address."""

    def send_messages(self, messages):
        for message in messages:
            if message.to == ["scrutiny3@example.org"]:
                raise smtplib.SMTPRecipientsRefused({"scrutiny3@example.org": (550, b"No such mailbox")})
        return super().send_messages(messages)


def test_an_address_the_mail_server_refuses_is_counted_as_failed_and_the_rest_go(audience, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusesOneAddress"}}
    issue = make_issue(themes=[audience["scrutiny"]])
    out, _ = send(issue.slug, "--batch-size", "4")
    assert "to 14 subscriber(s)" in out
    assert len(mail.outbox) == 14 and "scrutiny3@example.org" not in recipients_in_outbox()
    refused = NewsletterDelivery.objects.get(status=DeliveryStatus.FAILED)
    assert refused.subscriber.email == "scrutiny3@example.org" and "No such mailbox" in refused.error
    send_record = NewsletterSend.objects.get()
    assert (send_record.sent, send_record.failed, send_record.status) == (14, 1, SendStatus.DONE)
