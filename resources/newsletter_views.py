"""Newsletter sign-up (double opt-in), unsubscribe, the public archive and the facilitators' issue pages."""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import date as format_date
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from ea_portal.text import normalise_email
from partnerships.roles import facilitator_required, is_facilitator
from resources.forms import NewsletterIssueForm, NewsletterSendForm, SignUpForm, consent_statement
from resources.models import NewsletterIssue, NewsletterSend, SendStatus, Subscriber, SubscriberStatus
from resources.newsletter import (
    AlreadySent,
    audience_counts,
    claimed_but_unsent,
    queue_send,
    send_confirmation_email,
    stall_time,
    subscriber_from_confirmation_token,
    subscriber_from_unsubscribe_token,
)
from resources.views import form_page

ISSUE_FORM_TEMPLATE = "resources/newsletter_issue_form.html"


def signup_rate(group, request):
    return settings.NEWSLETTER_SIGNUP_RATE


def signup_limited(request, email):
    """Limit sign-ups per client, and confirmation emails per address (so nobody can flood someone's inbox)."""
    by_client = is_ratelimited(
        request, group="newsletter-signup", key="ip", rate=signup_rate, method="POST", increment=True
    )
    by_address = is_ratelimited(
        request,
        group="newsletter-signup-address",
        key=lambda group, request: email,
        rate=signup_rate,
        method="POST",
        increment=True,
    )
    return by_client or by_address


def record_signup(data):
    """Create or refresh the sign-up for this address and return it. A confirmed subscriber is left as it is:
    only its owner, through the emailed link, may change it."""
    email = normalise_email(data["email"])
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        if subscriber is None:
            subscriber = Subscriber(email=email)
        elif subscriber.status == SubscriberStatus.CONFIRMED:
            return subscriber
        subscriber.name = data["name"]
        subscriber.organisation = data["organisation"]
        subscriber.status = SubscriberStatus.PENDING
        subscriber.consent_text = consent_statement()
        subscriber.consented_at = now
        subscriber.confirmed_at = None
        subscriber.unsubscribed_at = None
        subscriber.save()
        subscriber.themes.set(data["themes"])
    return subscriber


def signup(request):
    if request.method == "POST":
        form = SignUpForm(request.POST)
        if form.is_valid():
            if signup_limited(request, normalise_email(form.cleaned_data["email"])):
                return render(request, "resources/rate_limited.html", {"what": "sign-ups"}, status=429)
            try:
                subscriber = record_signup(form.cleaned_data)
            except IntegrityError:
                # Two sign-ups for a new address at the same moment: the other one created it.
                subscriber = Subscriber.objects.find(form.cleaned_data["email"])
            send_confirmation_email(subscriber)
            # The same page whoever the address belongs to, so the page never tells who is subscribed.
            return redirect("resources:newsletter_check_email")
    else:
        form = SignUpForm()
    return render(request, "resources/newsletter_signup.html", {"form": form})


def check_email(request):
    return render(request, "resources/newsletter_check_email.html")


# never_cache: the page shows the subscriber's address; no shared cache (ea_portal.page_cache) may keep it.
@never_cache
def confirm(request, token):
    """GET shows a button (mail scanners follow links); POST confirms the sign-up."""
    try:
        subscriber = subscriber_from_confirmation_token(token)
    except signing.SignatureExpired:
        return render(request, "resources/newsletter_link_problem.html", {"problem": "expired"}, status=400)
    except signing.BadSignature:
        subscriber = None
    if subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return render(request, "resources/newsletter_link_problem.html", {"problem": "invalid"}, status=400)
    if request.method == "POST":
        if subscriber.status == SubscriberStatus.PENDING:
            subscriber.status = SubscriberStatus.CONFIRMED
            subscriber.confirmed_at = timezone.now()
            subscriber.save(update_fields=["status", "confirmed_at"])
        return render(request, "resources/newsletter_confirmed.html", {"subscriber": subscriber})
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return render(request, "resources/newsletter_confirmed.html", {"subscriber": subscriber})
    return render(request, "resources/newsletter_confirm.html", {"subscriber": subscriber})


# Mail clients send RFC 8058's one-click POST ("List-Unsubscribe=One-Click") without any CSRF token; the signed
# token in the address is what authorises it, and it can only ever unsubscribe its own address.
@csrf_exempt
@never_cache
def unsubscribe(request, token):
    subscriber = subscriber_from_unsubscribe_token(token)
    if subscriber is None:
        return render(request, "resources/newsletter_link_problem.html", {"problem": "invalid"}, status=400)
    if request.method == "POST":
        if subscriber.status != SubscriberStatus.UNSUBSCRIBED:
            subscriber.status = SubscriberStatus.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["status", "unsubscribed_at"])
        return render(request, "resources/newsletter_unsubscribed.html", {"subscriber": subscriber})
    return render(request, "resources/newsletter_unsubscribe.html", {"subscriber": subscriber})


ISSUES_PER_PAGE = 20


def get_issue_for_viewing(request, slug):
    """The issue if the user may see it; unpublished ones are a 404 to everyone but facilitators."""
    return get_object_or_404(NewsletterIssue.objects.visible_to(request.user).prefetch_related("themes"), slug=slug)


def archive(request):
    issues = NewsletterIssue.objects.visible_to(request.user).prefetch_related("themes")
    page_obj = Paginator(issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page_obj": page_obj, "paginator": page_obj.paginator, "object_list": page_obj.object_list}
    return render(request, "resources/newsletter_archive.html", context)


def issue_detail(request, slug):
    issue = get_issue_for_viewing(request, slug)
    context = {"issue": issue}
    if is_facilitator(request.user):
        context.update(sending_context(issue))
    return render(request, "resources/newsletter_issue.html", context)


def send_form(issue, data=None):
    by_themes, everyone = audience_counts(issue)
    themes = ", ".join(theme.name for theme in issue.themes.all())
    return NewsletterSendForm(data, themes=themes, by_themes=by_themes, everyone=everyone)


def sending_context(issue, form=None):
    """For facilitators: the issue's send and its progress, or the form that starts it once it is published."""
    send = NewsletterSend.objects.filter(issue=issue).first()
    if send is not None:
        return {"send": send, "send_progress": send_progress(send)}
    if issue.is_published:
        return {"send_form": form or send_form(issue)}
    return {}


def send_progress(send):
    """The send's progress as numbers and one sentence, for the page and for its polling script."""
    stalled = not send.is_done and send.updated < timezone.now() - stall_time()
    in_doubt = claimed_but_unsent(send.issue_id).count() if send.is_done or stalled else 0
    counts = f"{send.sent:,} of {send.total:,} sent, {send.failed:,} refused by the mail server"
    if send.is_done:
        summary = f"Sent on {format_date(timezone.localtime(send.finished_at), 'j F Y, H:i')}: {counts}."
    elif stalled:
        summary = (
            f"Sending has not moved since {format_date(timezone.localtime(send.updated), 'j F Y, H:i')} "
            f"({counts}). It carries on by itself where it stopped once the worker is running and the mail "
            "server answers."
        )
    elif send.status == SendStatus.QUEUED:
        summary = f"Waiting for the worker to start sending to {send.total:,} subscribers."
    else:
        summary = f"Sending: {counts}."
    if in_doubt:
        summary += (
            f" {in_doubt} message(s) were being handed to the mail server when sending was interrupted: they may "
            "or may not have gone, and were not sent again."
        )
    if send.last_error and not send.is_done:
        summary += f" Last problem: {send.last_error}"
    return {
        "status": send.status,
        "total": send.total,
        "sent": send.sent,
        "failed": send.failed,
        "handled": send.handled,
        "in_doubt": in_doubt,
        "done": send.is_done,
        "summary": summary,
    }


@require_POST
@facilitator_required
def issue_send(request, slug):
    """Queue a published issue for the worker to email, once: a second send of the same issue is refused."""
    issue = get_object_or_404(NewsletterIssue.objects.published().prefetch_related("themes"), slug=slug)
    form = send_form(issue, request.POST)
    if not form.is_valid():
        context = {"issue": issue, **sending_context(issue, form)}
        return render(request, "resources/newsletter_issue.html", context, status=400)
    try:
        send = queue_send(issue, send_to_all=form.cleaned_data["audience"] == "all", requested_by=request.user)
    except AlreadySent:
        messages.error(request, f"“{issue}” has already been sent (or is being sent): it cannot be sent twice.")
    else:
        messages.success(request, f"“{issue}” is being sent to {send.total:,} subscribers. Progress is shown below.")
    return redirect(issue)


@facilitator_required
def issue_send_progress(request, slug):
    send = get_object_or_404(NewsletterSend, issue__slug=slug)
    return JsonResponse(send_progress(send), headers={"Cache-Control": "no-store"})


@facilitator_required
def issue_create(request):
    return form_page(request, NewsletterIssueForm, ISSUE_FORM_TEMPLATE, "“%(subject)s” was saved as a draft.")


@facilitator_required
def issue_edit(request, slug):
    issue = get_object_or_404(NewsletterIssue, slug=slug)
    return form_page(request, NewsletterIssueForm, ISSUE_FORM_TEMPLATE, "“%(subject)s” was updated.", issue)


@require_POST
@facilitator_required
def issue_publish(request, slug):
    issue = get_object_or_404(NewsletterIssue, slug=slug)
    if request.POST.get("action") == "publish":
        issue.published_at = issue.published_at or timezone.now()
        messages.success(request, f"“{issue}” is published in the archive. You can now email it to subscribers.")
    else:
        issue.published_at = None
        messages.success(request, f"“{issue}” is unpublished: it is no longer in the public archive.")
    issue.save(update_fields=["published_at", "updated"])
    return redirect(issue)
