"""The newsletter's mail: signed links for confirming and unsubscribing, the emails, and sending an issue.

Sending an issue (from its page, on the worker, or with send_newsletter) claims and records each message on its
own, so a process killed at any moment leaves at most the one message it was handing to the mail server in
doubt, and a rerun carries on from the last subscriber dealt with (recipients are paged through by id).

Confirmation links expire (TimestampSigner); unsubscribe links do not, so an old newsletter's link still works.
Each purpose has its own salt, so a token for one can never be used for the other.
"""

import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import nh3
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Greatest
from django.tasks import TaskContext, task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ea_portal.links import absolute_url
from ea_portal.mail import queue_email
from ea_portal.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES
from resources.models import (
    DeliveryStatus,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterSend,
    SendStatus,
    Subscriber,
    SubscriberStatus,
)

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
    queue_email(subject, body, [subscriber.email])


# Sending an issue -------------------------------------------------------------------------------------------


def recipients(issue, send_to_all=False, theme_ids=None):
    """Confirmed subscribers who should get the issue and have not been sent (or claimed for) it yet, by id."""
    subscribers = Subscriber.objects.confirmed()
    if theme_ids is None:
        theme_ids = list(issue.themes.values_list("pk", flat=True))
    if theme_ids and not send_to_all:
        chosen = Subscriber.themes.through.objects.filter(subscriber=OuterRef("pk"))
        # Someone who chose no themes hears about everything.
        subscribers = subscribers.filter(Exists(chosen.filter(theme__in=theme_ids)) | ~Exists(chosen))
    already = NewsletterDelivery.objects.filter(issue=issue, subscriber=OuterRef("pk"))
    return subscribers.filter(~Exists(already)).order_by("pk")


def audience_counts(issue):
    """How many confirmed subscribers the issue would reach: by its themes (None if it has none), and everyone."""
    theme_ids = list(issue.themes.values_list("pk", flat=True))
    by_themes = recipients(issue, theme_ids=theme_ids).count() if theme_ids else None
    return by_themes, recipients(issue, send_to_all=True, theme_ids=theme_ids).count()


def portal_link(href, page_url):
    """A link as a mail client needs it: absolute, on the configured public address for the portal's own pages."""
    if href.startswith("/") and not href.startswith("//"):
        return settings.PORTAL_BASE_URL.rstrip("/") + href
    if urlsplit(href).scheme:
        return href
    return urljoin(page_url, href)


def absolute_links(html, page_url):
    """The sanitised HTML again through the same allow-list, with every href made absolute."""

    def rewrite(tag, attribute, value):
        return portal_link(value, page_url) if attribute == "href" else value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=rewrite,
    )


class PlainText(HTMLParser):
    """Sanitised HTML as readable plain text: paragraphs, numbered and "- " lists, table rows as "a | b", and
    links as "text (address)"."""

    BLOCKS = {"p", "h3", "h4", "blockquote", "pre", "ul", "ol", "table", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.links = []  # (href, where the link's text starts in parts)
        self.lists = []  # for each open list: the last number given, or None for bullets
        self.in_pre = False
        self.first_cell = True

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS and not (tag in {"ul", "ol"} and self.lists):
            self.parts.append("\n\n")
        if tag == "pre":
            self.in_pre = True
        elif tag in {"ul", "ol"}:
            self.lists.append(0 if tag == "ol" else None)
        elif tag == "li":
            indent = "  " * max(len(self.lists) - 1, 0)
            if self.lists and self.lists[-1] is not None:
                self.lists[-1] += 1
                self.parts.append(f"\n{indent}{self.lists[-1]}. ")
            else:
                self.parts.append(f"\n{indent}- ")
        elif tag == "tr":
            self.parts.append("\n")
            self.first_cell = True
        elif tag in {"td", "th"}:
            if not self.first_cell:
                self.parts.append(" | ")
                self.parts[-2] = self.parts[-2].rstrip(" ")
            self.first_cell = False
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag):
        if tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
        if tag in self.BLOCKS and not (tag in {"ul", "ol"} and self.lists):
            self.parts.append("\n\n")
        if tag == "pre":
            self.in_pre = False
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.parts[start:]).strip()
            if href and text != href.removeprefix("mailto:"):
                self.parts.append(f" ({href})")

    def handle_data(self, data):
        if not self.in_pre:
            # Outside <pre>, line breaks and runs of spaces in the HTML are one space, as a browser shows them.
            data = re.sub(r"\s+", " ", data)
            if not self.parts or self.parts[-1][-1:].isspace():
                data = data.lstrip(" ")
        self.parts.append(data)

    @classmethod
    def convert(cls, html):
        parser = cls()
        parser.feed(html)
        parser.close()
        text = re.sub(r"[ \t]+\n", "\n", "".join(parser.parts))
        return re.sub(r"\n{3,}", "\n\n", text).strip()


@dataclass(frozen=True)
class IssueContent:
    """What every subscriber's copy of an issue shares, built once per batch."""

    issue_url: str
    html: str
    text: str

    @classmethod
    def of(cls, issue):
        issue_url = absolute_url(issue.get_absolute_url())
        html = absolute_links(issue.body_html, issue_url)
        return cls(issue_url=issue_url, html=html, text=PlainText.convert(html))


def newsletter_message(issue, subscriber, content=None):
    """The issue for one subscriber: a plain-text part and an HTML part, both with absolute links and the
    one-click unsubscribe headers."""
    content = content or IssueContent.of(issue)
    context = {
        "issue": issue,
        "subscriber": subscriber,
        "content": content,
        "issue_url": content.issue_url,
        "unsubscribe_url": unsubscribe_url(subscriber),
    }
    message = EmailMultiAlternatives(
        issue.subject,
        render_to_string("resources/email/newsletter_issue.txt", context),
        to=[subscriber.email],
        headers=list_unsubscribe_headers(subscriber),
    )
    message.attach_alternative(render_to_string("resources/email/newsletter_issue.html", context), "text/html")
    return message


# The mail server refused this one message (its address): record it as failed and carry on. Anything else (the
# server unreachable, the process stopped) ends the run with that message released, to be sent by the resume.
REFUSED = (smtplib.SMTPRecipientsRefused,)


def claimed_but_unsent(issue):
    """Deliveries claimed by a run that was killed before it could record whether it sent them."""
    return NewsletterDelivery.objects.filter(issue=issue, status=DeliveryStatus.SENDING)


def claim(issue, subscriber):
    """Record that this subscriber's message is about to go, before it goes; None if another run claimed it."""
    try:
        with transaction.atomic():
            return NewsletterDelivery.objects.create(issue=issue, subscriber=subscriber)
    except IntegrityError:
        return None


@dataclass(frozen=True)
class Outcome:
    """What the mail server did with one claimed message, to record."""

    delivery: NewsletterDelivery
    status: str
    error: str = ""


def record(send, outcome):
    """Record one message's outcome and the send's progress (inside the caller's transaction)."""
    counter = "sent" if outcome.status == DeliveryStatus.SENT else "failed"
    NewsletterDelivery.objects.filter(pk=outcome.delivery.pk).update(
        status=outcome.status, sent_at=timezone.now(), error=outcome.error
    )
    NewsletterSend.objects.filter(pk=send.pk).update(
        **{counter: F(counter) + 1},
        last_subscriber_id=Greatest(F("last_subscriber_id"), outcome.delivery.subscriber_id),
        status=SendStatus.SENDING,
        updated=timezone.now(),
    )


def hand_over(send, delivery, subscriber, connection, content):
    """Hand one claimed message to the mail server and say what happened."""
    try:
        connection.send_messages([newsletter_message(send.issue, subscriber, content)])
    except REFUSED as error:
        return Outcome(delivery, DeliveryStatus.FAILED, str(error))
    except BaseException:
        delivery.delete()  # not handed over: the resume sends it
        raise
    return Outcome(delivery, DeliveryStatus.SENT)


def send_batch(send, batch_size, progress: Callable = lambda n: None):
    """Send the next batch_size messages of the send, after the last subscriber dealt with; True if more remain.

    One commit per message: the outcome of the message just handed over is recorded in the same transaction as
    the claim of the next one, so at any moment at most one message is claimed and not yet recorded.
    """
    issue = send.issue
    page = list(recipients(issue, send.send_to_all).filter(pk__gt=send.last_subscriber_id)[:batch_size])
    if not page:
        return False
    content = IssueContent.of(issue)
    outcome = None
    with mailers.default as connection:
        for subscriber in page:
            with transaction.atomic():
                if outcome is not None:
                    record(send, outcome)
                outcome = None
                delivery = claim(issue, subscriber)
            if delivery is not None:
                outcome = hand_over(send, delivery, subscriber, connection, content)
                progress(1)
            send.last_subscriber_id = max(send.last_subscriber_id, subscriber.pk)
    if outcome is not None:
        with transaction.atomic():
            record(send, outcome)
    return len(page) == batch_size


def send_in_doubt(send):
    """Send again the messages left claimed by a run killed while handing them over; returns how many went."""
    content = IssueContent.of(send.issue)
    sent = 0
    with mailers.default as connection:
        for delivery in claimed_but_unsent(send.issue).select_related("subscriber"):
            outcome = hand_over(send, delivery, delivery.subscriber, connection, content)
            with transaction.atomic():
                record(send, outcome)
            sent += outcome.status == DeliveryStatus.SENT
    return sent


def finish(send):
    send.status = SendStatus.DONE
    send.finished_at = timezone.now()
    send.task_id = ""
    send.save(update_fields=["status", "finished_at", "task_id", "updated"])


class AlreadySent(Exception):
    """The issue has a send already: it is being sent, or was."""


def create_send(issue, *, send_to_all=False, requested_by=None):
    """The issue's one send; AlreadySent if it has one. Call inside the transaction that queues its work."""
    total = recipients(issue, send_to_all).count()
    try:
        with transaction.atomic():
            return NewsletterSend.objects.create(
                issue=issue, send_to_all=send_to_all, requested_by=requested_by, total=total
            )
    except IntegrityError:
        raise AlreadySent(issue) from None


def stall_time():
    return timedelta(seconds=settings.NEWSLETTER_SEND_STALL_SECONDS)


def queue_batch(send):
    """Queue the send's next batch as the one task allowed to carry it on (in the caller's transaction)."""
    result = send_newsletter_batch.enqueue(send.pk)
    NewsletterSend.objects.filter(pk=send.pk).update(task_id=result.id, updated=timezone.now())


def queue_watchdog(send):
    watch_newsletter_send.using(run_after=timezone.now() + stall_time()).enqueue(send.pk)


def queue_send(issue, *, send_to_all=False, requested_by=None):
    """Create the issue's send and queue it on the worker, all in one transaction; AlreadySent if it has one."""
    with transaction.atomic():
        send = create_send(issue, send_to_all=send_to_all, requested_by=requested_by)
        queue_batch(send)
        queue_watchdog(send)
    return send


@task(takes_context=True)
def send_newsletter_batch(context: TaskContext, send_id: int):
    """One batch of a send on the worker; queues the next one, or marks the send done."""
    send = NewsletterSend.objects.select_related("issue").filter(pk=send_id).first()
    # A batch superseded by a resume (its chain was thought dead) leaves the send to the newer one.
    if send is None or send.is_done or send.task_id != context.task_result.id:
        return 0
    before = send.sent
    try:
        more = send_batch(send, settings.NEWSLETTER_SEND_BATCH_SIZE)
    except Exception as error:
        # The watchdog tries again once the send has been still for the stall time.
        NewsletterSend.objects.filter(pk=send.pk).update(
            last_error=f"{timezone.localtime():%d %B %Y %H:%M}: {error}", updated=timezone.now()
        )
        raise
    with transaction.atomic():
        NewsletterSend.objects.filter(pk=send.pk).update(last_error="")  # the mail server answered again
        send.refresh_from_db()
        if more:
            queue_batch(send)
        else:
            finish(send)
    return send.sent - before


@task()
def watch_newsletter_send(send_id: int):
    """Every stall time until the send is done: resume it if it has not moved since (its worker was killed)."""
    send = NewsletterSend.objects.filter(pk=send_id).first()
    if send is None or send.is_done:
        return "done"
    with transaction.atomic():
        stalled = send.updated < timezone.now() - stall_time()
        if stalled:
            queue_batch(send)
        queue_watchdog(send)
    return "resumed" if stalled else "moving"


def send_issue(issue: NewsletterIssue, *, send_to_all=False, batch_size=100, progress: Callable = lambda n: None):
    """Send the issue in this process (send_newsletter), creating its send or carrying on an unfinished one.

    Each message is claimed (a NewsletterDelivery row, unique per issue and subscriber) just before it is handed
    to the mail server and recorded as sent just after. A process killed outright between the two leaves that
    one message "in doubt"; a rerun carries on after the last subscriber dealt with and does not resend it.
    Returns how many messages this run sent.
    """
    send = NewsletterSend.objects.select_related("issue").filter(issue=issue).first()
    if send is None:
        # The worker's watchdog finishes the send if this process dies and nobody reruns it.
        with transaction.atomic():
            send = create_send(issue, send_to_all=send_to_all)
            queue_watchdog(send)
    before = send.sent
    while send_batch(send, batch_size, progress):
        pass
    send.refresh_from_db()
    finish(send)
    return send.sent - before
