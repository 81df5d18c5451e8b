"""Facilitators give partnership leads their accounts: there is no public self-registration.

A new lead gets an account with no usable password and an email with a link to choose one (Django's
password-reset token, so the link expires and works once). A person who already has an account is made a
lead of the partnership instead of getting a second account; if they never chose a password, they get a fresh
invitation, since the first may have expired or been lost.

This module also holds the portal's side of logging in: the password-reset emails (links on the portal's
public address, queued for the task worker) and the page shown when django-axes locks a log-in out.
"""

from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ea_portal.links import absolute_url
from ea_portal.mail import queue_email
from ea_portal.text import normalise_email
from partnerships.models import Membership, MembershipRole, Partnership
from partnerships.roles import facilitator_required

LEADS_PER_PAGE = 50


class LeadForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(help_text="They log in with this address and receive a link to choose a password.")
    partnership = forms.ModelChoiceField(queryset=Partnership.objects.order_by("name"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The server's error summary explains every problem at once; the browser's bubbles would not.
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout("first_name", "last_name", "email", "partnership")
        self.helper.add_input(Submit("submit", "Add the lead and send the invitation"))

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        users = get_user_model().objects
        # New accounts take the address as their username too, which an account with another address may hold.
        if not users.filter(email__iexact=email).exists() and users.filter(username__iexact=email).exists():
            raise forms.ValidationError(
                f"Another account already has the username {email} (with a different email address). "
                "Use that account's own email address, or ask an admin to correct that account."
            )
        return email

    def clean(self):
        cleaned = super().clean()
        email, partnership = cleaned.get("email"), cleaned.get("partnership")
        if email and partnership:
            already = (
                Membership.objects.filter(user__email__iexact=email, partnership=partnership, role=MembershipRole.LEAD)
                .select_related("user")
                .first()
            )
            # Adding a lead who never chose a password again is how they get a fresh invitation.
            if already and already.user.has_usable_password():
                raise forms.ValidationError(f"{email} is already a lead of {partnership}.")
        return cleaned


def set_password_url(user):
    """A link for choosing a password: Django's reset token, which expires, and works only until it is used."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


def send_invitation(user, partnership):
    context = {
        "user": user,
        "partnership": partnership,
        "set_password_url": set_password_url(user),
        "login_url": absolute_url(reverse("login")),
    }
    queue_email(
        f"Your EA Portal account for {partnership}",
        render_to_string("registration/lead_invitation_email.txt", context),
        [user.email],
    )


@facilitator_required
def lead_list(request):
    memberships = (
        Membership.objects.filter(role=MembershipRole.LEAD)
        .select_related("user", "partnership")
        .order_by("partnership__name", "user__last_name", "user__first_name")
    )
    page_obj = Paginator(memberships, LEADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "partnerships/lead_list.html", {"page_obj": page_obj})


@facilitator_required
def lead_create(request):
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, created, invited = add_lead(data)
        except IntegrityError:
            # Someone made an account with this address or username since the form was checked.
            form.add_error("email", f"An account with the address {data['email']} was created meanwhile: try again.")
            return render(request, "partnerships/lead_form.html", {"form": form})
        if created:
            messages.success(
                request,
                f"{user.get_full_name()} is now a lead of {data['partnership']}. "
                f"We have emailed {user.email} a link to choose a password.",
            )
        elif invited:
            messages.success(
                request,
                f"{user.email} is a lead of {data['partnership']} but has not chosen a password yet: "
                "we have emailed them a new link to choose one (earlier links no longer work).",
            )
        else:
            messages.success(
                request,
                f"{user.email} already had an account: they are now also a lead of {data['partnership']}.",
            )
        return redirect("partnerships:lead_list")
    return render(request, "partnerships/lead_form.html", {"form": form})


@transaction.atomic
def add_lead(data):
    """Make the person a lead of the partnership, with a new account if they have none; return the user, whether
    the account is new and whether they were (re-)invited. Someone who never chose a password gets a fresh
    invitation."""
    user = get_user_model().objects.filter(email__iexact=data["email"]).first()
    created = user is None
    if created:
        user = get_user_model()(
            username=data["email"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        user.set_unusable_password()
        user.save()
    Membership.objects.update_or_create(
        user=user, partnership=data["partnership"], defaults={"role": MembershipRole.LEAD}
    )
    invited = not user.has_usable_password()
    if invited:
        if not created:
            # A new unusable password changes the token, so a lost or forwarded earlier link stops working.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        send_invitation(user, data["partnership"])
    return user, created, invited


@task()
def send_password_reset(email: str) -> None:
    """On the worker: Django's reset email to each active account with this address, none for an unknown one."""
    form = PortalPasswordResetForm({"email": email})
    if form.is_valid():
        form.send_reset_emails()


class PortalPasswordResetForm(PasswordResetForm):
    """Django's reset form. The page only queues `send_password_reset`, whatever the address, so it answers in the
    same time whether or not the address belongs to an account; the worker looks the address up and sends."""

    def save(self, **kwargs):
        send_password_reset.enqueue(self.cleaned_data["email"])

    def send_reset_emails(self):
        # Django would otherwise ask django.contrib.sites or the request's Host header for a domain.
        super().save(domain_override=urlsplit(settings.PORTAL_BASE_URL).netloc)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        context["reset_url"] = absolute_url(
            reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        )
        queue_email(
            render_to_string(subject_template_name, context),
            render_to_string(email_template_name, context),
            [to_email],
        )


password_reset = auth_views.PasswordResetView.as_view(form_class=PortalPasswordResetForm)


def locked_out(request, response, credentials):
    """What django-axes shows a locked-out log-in (AXES_LOCKOUT_CALLABLE): how long to wait, and what else to do."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
