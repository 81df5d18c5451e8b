"""Newsletter sign-up (double opt-in), unsubscribe, the public archive and the facilitators' issue pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.views import SuccessMessageMixin
from django.core import signing
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView, UpdateView
from django_ratelimit.core import is_ratelimited

from partnerships.roles import FacilitatorRequiredMixin, facilitator_required
from resources.forms import NewsletterIssueForm, SignUpForm, consent_statement
from resources.models import NewsletterIssue, Subscriber, SubscriberStatus, normalise_email
from resources.newsletter import (
    send_confirmation_email,
    subscriber_from_confirmation_token,
    subscriber_from_unsubscribe_token,
)


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
            send_confirmation_email(subscriber, request)
            # The same page whoever the address belongs to, so the page never tells who is subscribed.
            return redirect("resources:newsletter_check_email")
    else:
        form = SignUpForm()
    return render(request, "resources/newsletter_signup.html", {"form": form})


def check_email(request):
    return render(request, "resources/newsletter_check_email.html")


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


class ArchiveView(ListView):
    template_name = "resources/newsletter_archive.html"
    paginate_by = 20

    def get_queryset(self):
        return NewsletterIssue.objects.visible_to(self.request.user).prefetch_related("themes")


def issue_detail(request, slug):
    issue = get_object_or_404(NewsletterIssue.objects.visible_to(request.user).prefetch_related("themes"), slug=slug)
    return render(request, "resources/newsletter_issue.html", {"issue": issue})


class IssueCreateView(FacilitatorRequiredMixin, SuccessMessageMixin, CreateView):
    model = NewsletterIssue
    form_class = NewsletterIssueForm
    template_name = "resources/newsletter_issue_form.html"
    success_message = "“%(subject)s” was saved as a draft."


class IssueUpdateView(FacilitatorRequiredMixin, SuccessMessageMixin, UpdateView):
    model = NewsletterIssue
    form_class = NewsletterIssueForm
    template_name = "resources/newsletter_issue_form.html"
    success_message = "“%(subject)s” was updated."


@require_POST
@facilitator_required
def issue_publish(request, slug):
    issue = get_object_or_404(NewsletterIssue, slug=slug)
    if request.POST.get("action") == "publish":
        issue.published_at = issue.published_at or timezone.now()
        messages.success(request, f"“{issue}” is published in the archive. Send it with manage.py send_newsletter.")
    else:
        issue.published_at = None
        messages.success(request, f"“{issue}” is unpublished: it is no longer in the public archive.")
    issue.save(update_fields=["published_at", "updated"])
    return redirect(issue)
