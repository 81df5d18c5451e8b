"""Facilitators give partnership leads their accounts: there is no public self-registration.

A new lead gets an account with no usable password and an email with a link to choose one (Django's
password-reset token, so the link expires and works once). A person who already has an account is made a
lead of the partnership instead of getting a second account; if they never chose a password, they get a fresh
invitation, since the first may have expired or been lost.

Facilitators then look after those accounts in the portal (the lead's page under /accounts/leads/): they send an
invitation again, deactivate and reactivate an account, move a lead to another partnership, or make them a lead
of a second one. Every change is a POST, confirmed on the next page and logged with who made it.

This module also holds the portal's side of logging in: where a log-in lands, the password-reset emails (links on
the portal's public address, queued for the task worker) and the page shown when django-axes locks a log-in out.
"""

import logging
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
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_POST

from ea_portal.links import absolute_url
from ea_portal.mail import queue_email
from ea_portal.text import normalise_email
from partnerships.models import Membership, MembershipRole, Partnership
from partnerships.roles import facilitator_required, is_facilitator, led_partnership_ids

LEADS_PER_PAGE = 50

# Who changed which lead account, and how: the portal's record beside the confirmation the facilitator sees.
audit_log = logging.getLogger("ea_portal.lead_accounts")


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
    """Queue the invitation; `partnership` is what it names: a partnership, or the names of several."""
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


# A lead's account, looked after by facilitators ------------------------------------------------------------


class PartnershipChoiceForm(forms.Form):
    """Base for the lead page's small forms: each posts to its own address and has its own button."""

    def __init__(self, *args, lead, action, button, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", button, css_class="btn-secondary"))

    def led(self):
        return Membership.objects.filter(user=self.lead, role=MembershipRole.LEAD).values("partnership_id")

    def partnerships_not_led(self):
        return Partnership.objects.exclude(pk__in=self.led()).order_by("name")


class MoveLeadForm(PartnershipChoiceForm):
    from_partnership = forms.ModelChoiceField(queryset=Partnership.objects.none(), label="Move from", empty_label=None)
    to_partnership = forms.ModelChoiceField(queryset=Partnership.objects.none(), label="Move to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="move", **kwargs)
        self.fields["from_partnership"].queryset = Partnership.objects.filter(pk__in=self.led()).order_by("name")
        self.fields["to_partnership"].queryset = self.partnerships_not_led()
        self.helper.layout = Layout("from_partnership", "to_partnership")


class AddPartnershipForm(PartnershipChoiceForm):
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        label="Also a lead of",
        help_text="They keep the partnerships they lead now, and choose which one each example is for.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="add", **kwargs)
        self.fields["partnership"].queryset = self.partnerships_not_led()
        self.helper.layout = Layout("partnership")


def get_lead(pk):
    """An account that leads at least one partnership, with those memberships; 404 for any other account, so the
    lead pages never change a facilitator's or an admin's account that has no partnership."""
    leads = (
        get_user_model()
        .objects.filter(Exists(Membership.objects.filter(user=OuterRef("pk"), role=MembershipRole.LEAD)))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(role=MembershipRole.LEAD).select_related("partnership"),
                to_attr="lead_memberships",
            )
        )
    )
    return get_object_or_404(leads, pk=pk)


def lead_name(user):
    return f"{user.get_full_name() or user.get_username()} ({user.email})"


def partnership_names(lead):
    return ", ".join(membership.partnership.name for membership in lead.lead_memberships)


def render_lead(request, lead, status=200, **forms):
    forms.setdefault("move_form", MoveLeadForm(lead=lead, **move_form_args(lead)))
    forms.setdefault("add_form", AddPartnershipForm(lead=lead, **add_form_args(lead)))
    context = {"lead": lead, "managed_elsewhere": managed_elsewhere(lead), **forms}
    return render(request, "partnerships/lead_detail.html", context, status=status)


def move_form_args(lead):
    return {"action": reverse("partnerships:lead_move", args=[lead.pk]), "button": "Move the lead"}


def add_form_args(lead):
    return {"action": reverse("partnerships:lead_add_partnership", args=[lead.pk]), "button": "Add the partnership"}


def managed_elsewhere(user):
    """Accounts with more than a lead's powers (admins, facilitators) are deactivated by an administrator only."""
    return user.is_staff or user.is_superuser or is_facilitator(user)


@facilitator_required
def lead_detail(request, pk):
    return render_lead(request, get_lead(pk))


@facilitator_required
@require_POST
def lead_resend_invitation(request, pk):
    lead = get_lead(pk)
    if not lead.is_active:
        messages.warning(request, f"{lead_name(lead)} is deactivated: reactivate the account before inviting them.")
    elif lead.has_usable_password():
        messages.warning(
            request,
            f"{lead_name(lead)} has already chosen a password, so no invitation was sent. If they have forgotten "
            "it, they can use “Forgotten your password?” on the log-in page.",
        )
    else:
        with transaction.atomic():
            # A new unusable password changes the token, so the earlier link stops working.
            lead.set_unusable_password()
            lead.save(update_fields=["password"])
            # Names every partnership they lead ("and": the deck's partnership names have commas of their own).
            send_invitation(lead, " and ".join(m.partnership.name for m in lead.lead_memberships))
        audit_log.info("%s sent an invitation again to %s", request.user, lead.email)
        messages.success(
            request, f"We have emailed {lead_name(lead)} a new invitation. Earlier invitation links no longer work."
        )
    return redirect("partnerships:lead_detail", pk=lead.pk)


@facilitator_required
def lead_deactivate(request, pk):
    """A confirmation page, then (POST) the account can no longer log in; open sessions end at their next page."""
    lead = get_lead(pk)
    if managed_elsewhere(lead):
        messages.warning(request, f"{lead_name(lead)} is also an NCB facilitator or an admin: ask an administrator.")
        return redirect("partnerships:lead_detail", pk=lead.pk)
    if not lead.is_active:
        messages.info(request, f"{lead_name(lead)} is already deactivated.")
        return redirect("partnerships:lead_detail", pk=lead.pk)
    if request.method == "POST":
        lead.is_active = False
        lead.save(update_fields=["is_active"])
        audit_log.info("%s deactivated the account of %s", request.user, lead.email)
        messages.success(
            request,
            f"{lead_name(lead)} is deactivated and can no longer log in. Their examples stay with "
            f"{partnership_names(lead)}; you can reactivate the account here at any time.",
        )
        return redirect("partnerships:lead_detail", pk=lead.pk)
    return render(request, "partnerships/lead_deactivate.html", {"lead": lead})


@facilitator_required
@require_POST
def lead_reactivate(request, pk):
    lead = get_lead(pk)
    if lead.is_active:
        messages.info(request, f"{lead_name(lead)} is already active.")
    else:
        lead.is_active = True
        lead.save(update_fields=["is_active"])
        audit_log.info("%s reactivated the account of %s", request.user, lead.email)
        messages.success(request, f"{lead_name(lead)} is active again and can log in with their password.")
    return redirect("partnerships:lead_detail", pk=lead.pk)


@facilitator_required
@require_POST
def lead_move(request, pk):
    lead = get_lead(pk)
    form = MoveLeadForm(request.POST, lead=lead, **move_form_args(lead))
    if not form.is_valid():
        return render_lead(request, lead, move_form=form)
    old, new = form.cleaned_data["from_partnership"], form.cleaned_data["to_partnership"]
    with transaction.atomic():
        Membership.objects.filter(user=lead, partnership=old, role=MembershipRole.LEAD).delete()
        Membership.objects.get_or_create(user=lead, partnership=new, defaults={"role": MembershipRole.LEAD})
    audit_log.info("%s moved %s from %s to %s", request.user, lead.email, old, new)
    messages.success(
        request,
        f"{lead_name(lead)} is now a lead of {new} instead of {old}. {old}'s examples stay with {old}: "
        f"its other leads and NCB can still edit them.",
    )
    return redirect("partnerships:lead_detail", pk=lead.pk)


@facilitator_required
@require_POST
def lead_add_partnership(request, pk):
    lead = get_lead(pk)
    form = AddPartnershipForm(request.POST, lead=lead, **add_form_args(lead))
    if not form.is_valid():
        return render_lead(request, lead, add_form=form)
    partnership = form.cleaned_data["partnership"]
    Membership.objects.get_or_create(user=lead, partnership=partnership, defaults={"role": MembershipRole.LEAD})
    audit_log.info("%s made %s a lead of %s too", request.user, lead.email, partnership)
    messages.success(
        request,
        f"{lead_name(lead)} is now also a lead of {partnership}. When they write an example they choose which "
        "partnership it is for.",
    )
    return redirect("partnerships:lead_detail", pk=lead.pk)


@facilitator_required
@require_POST
def lead_remove_partnership(request, pk, slug):
    lead = get_lead(pk)
    membership = next((m for m in lead.lead_memberships if m.partnership.slug == slug), None)
    if membership is None:
        messages.info(request, f"{lead_name(lead)} is not a lead of that partnership.")
    elif len(lead.lead_memberships) == 1:
        # Without a partnership the account could do nothing, and would vanish from the list of leads.
        messages.warning(
            request,
            f"{membership.partnership} is the only partnership {lead_name(lead)} leads, so they stay its lead. "
            "Move them to another partnership instead, or deactivate the account.",
        )
    else:
        membership.delete()
        audit_log.info("%s removed %s as a lead of %s", request.user, lead.email, membership.partnership)
        messages.success(
            request,
            f"{lead_name(lead)} is no longer a lead of {membership.partnership}. Its examples stay with it; they "
            "can no longer see its drafts.",
        )
    return redirect("partnerships:lead_detail", pk=lead.pk)


# Logging in --------------------------------------------------------------------------------------------------


def login_landing(request):
    """Where a log-in without `next` lands (LOGIN_REDIRECT_URL): the page each person starts their work from.
    Facilitators: the dashboard; the lead of one partnership: its page; of several: their contributions."""
    user = request.user
    if is_facilitator(user):
        return redirect("dashboard:dashboard")
    led = led_partnership_ids(user)
    if len(led) == 1:
        return redirect(get_object_or_404(Partnership, pk=next(iter(led))))
    if led:
        return redirect("learning:my_examples")
    return redirect("home")


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
