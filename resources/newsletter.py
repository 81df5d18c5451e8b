"""The newsletter's mail: signed links for confirming and unsubscribing, the emails, and sending an issue.

Confirmation links expire (TimestampSigner); unsubscribe links do not, so an old newsletter's link still works.
Each purpose has its own salt, so a token for one can never be used for the other.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ea_portal.links import absolute_url
from ea_portal.mail import send_after_commit
from resources.models import DeliveryStatus, NewsletterDelivery, NewsletterIssue, Subscriber, SubscriberStatus

CONFIRM_SALT = "resources.newsletter.confirm"
UNSUBSCRIBE_SALT = "resources.newsletter.unsubscribe"


def confirmation_token(subscriber):
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(subscriber.pk))


def subscriber_from_confirmation_token(token):
    """The subscriber a confirmation token names; signing.SignatureExpired or BadSignature if it is not valid."""
    pk = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=settings.NEWSLETTER_CONFIRMATION_MAX_AGE)
    return Subscriber.objects.filter(pk=pk).first()


def unsubscribe_token(subscriber):
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber.pk))


def subscriber_from_unsubscribe_token(token):
    """The subscriber an unsubscribe token names, or None for a tampered or unknown token."""
    try:
        pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=pk).first()


def unsubscribe_url(subscriber):
    return absolute_url(reverse("resources:newsletter_unsubscribe", args=[unsubscribe_token(subscriber)]))


def list_unsubscribe_headers(subscriber):
    """RFC 2369 and RFC 8058 headers: mail clients offer a one-click unsubscribe that POSTs to the link."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def send_confirmation_email(subscriber):
    """The double opt-in email; for an address that is already confirmed, a reminder that it is."""
    context = {
        "subscriber": subscriber,
        "confirm_url": absolute_url(reverse("resources:newsletter_confirm", args=[confirmation_token(subscriber)])),
        "unsubscribe_url": unsubscribe_url(subscriber),
        "max_age_days": settings.NEWSLETTER_CONFIRMATION_MAX_AGE // (24 * 60 * 60),
    }
    if subscriber.status == SubscriberStatus.CONFIRMED:
        subject = "You are already signed up to the Safeguarding Early Adopters newsletter"
        body = render_to_string("resources/email/already_subscribed.txt", context)
    else:
        subject = "Confirm your sign-up to the Safeguarding Early Adopters newsletter"
        body = render_to_string("resources/email/confirm_subscription.txt", context)
    send_after_commit(subject, body, [subscriber.email])


def newsletter_message(issue, subscriber):
    context = {
        "issue": issue,
        "subscriber": subscriber,
        "issue_url": absolute_url(issue.get_absolute_url()),
        "unsubscribe_url": unsubscribe_url(subscriber),
    }
    return EmailMessage(
        issue.subject,
        render_to_string("resources/email/newsletter_issue.txt", context),
        to=[subscriber.email],
        headers=list_unsubscribe_headers(subscriber),
    )


def recipients(issue, send_to_all=False):
    """Confirmed subscribers who should get the issue and have not been sent (or claimed for) it yet."""
    subscribers = Subscriber.objects.confirmed().exclude(deliveries__issue=issue)
    theme_ids = list(issue.themes.values_list("pk", flat=True))
    if theme_ids and not send_to_all:
        # Someone who chose no themes hears about everything.
        interested = Subscriber.objects.filter(themes__in=theme_ids).values("pk")
        without_themes = Subscriber.objects.filter(themes__isnull=True).values("pk")
        subscribers = subscribers.filter(pk__in=interested.union(without_themes))
    return subscribers.order_by("pk")


@dataclass
class SendReport:
    sent: int = 0
    in_doubt: int = 0


def claimed_but_unsent(issue):
    """Deliveries claimed by a run that was killed before it could record whether it sent them."""
    return NewsletterDelivery.objects.filter(issue=issue, status=DeliveryStatus.SENDING)


def send_issue(issue: NewsletterIssue, *, send_to_all=False, batch_size=100, progress: Callable = lambda n: None):
    """Send the issue to everyone who should have it and has not, batch by batch.

    Each batch is claimed first (a NewsletterDelivery row per subscriber, unique per issue and subscriber), then
    sent; each message sent is recorded as sent. If sending fails (the mail server errors, Ctrl+C), the claims of
    the messages not sent are released, so a rerun sends exactly those: nobody twice, nobody missed. Only a
    process killed outright between sending a message and recording it leaves a claim "in doubt"; a rerun
    reports those and does not resend them (at most once), and they can be released with --retry-in-doubt.
    """
    report = SendReport(in_doubt=claimed_but_unsent(issue).count())
    while True:
        batch = list(recipients(issue, send_to_all)[:batch_size])
        if not batch:
            return report
        with transaction.atomic():
            deliveries = NewsletterDelivery.objects.bulk_create(
                NewsletterDelivery(issue=issue, subscriber=subscriber) for subscriber in batch
            )
        sent_ids = []
        try:
            with mailers.default as connection:
                for subscriber, delivery in zip(batch, deliveries, strict=True):
                    connection.send_messages([newsletter_message(issue, subscriber)])
                    sent_ids.append(delivery.pk)
        finally:
            NewsletterDelivery.objects.filter(pk__in=sent_ids).update(
                status=DeliveryStatus.SENT, sent_at=timezone.now()
            )
            unsent = [delivery.pk for delivery in deliveries if delivery.pk not in set(sent_ids)]
            NewsletterDelivery.objects.filter(pk__in=unsent).delete()
            report.sent += len(sent_ids)
            progress(len(sent_ids))
