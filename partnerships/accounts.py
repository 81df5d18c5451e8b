"""Facilitators give partnership leads their accounts: there is no public self-registration.

A new lead gets an account with no usable password and an email with a link to choose one (Django's
password-reset token, so the link expires and works once). A person who already has an account is made a
lead of the partnership instead of getting a second account.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

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
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        email, partnership = cleaned.get("email"), cleaned.get("partnership")
        if email and partnership:
            already = Membership.objects.filter(
                user__email__iexact=email, partnership=partnership, role=MembershipRole.LEAD
            ).exists()
            if already:
                raise forms.ValidationError(f"{email} is already a lead of {partnership}.")
        return cleaned


def send_invitation(request, user, partnership):
    context = {
        "user": user,
        "partnership": partnership,
        "set_password_url": request.build_absolute_uri(
            reverse(
                "password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
        ),
        "login_url": request.build_absolute_uri(reverse("login")),
    }
    send_mail(
        f"Your EA Portal account for {partnership}",
        render_to_string("registration/lead_invitation_email.txt", context),
        None,
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
        with transaction.atomic():
            user = get_user_model().objects.filter(email__iexact=data["email"]).first()
            is_new = user is None
            if is_new:
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
        if is_new:
            send_invitation(request, user, data["partnership"])
            messages.success(
                request,
                f"{user.get_full_name()} is now a lead of {data['partnership']}. "
                f"We have emailed {user.email} a link to choose a password.",
            )
        else:
            messages.success(
                request,
                f"{user.email} already had an account: they are now also a lead of {data['partnership']}.",
            )
        return redirect("partnerships:lead_list")
    return render(request, "partnerships/lead_form.html", {"form": form})
