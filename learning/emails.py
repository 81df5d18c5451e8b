"""Emails the workflow sends to the other side: facilitators hear of submissions, leads of decisions."""

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string

from ea_portal.links import absolute_url
from ea_portal.mail import queue_email
from partnerships.models import MembershipRole
from partnerships.roles import FACILITATORS_GROUP


def facilitator_addresses():
    users = get_user_model().objects.filter(is_active=True, groups__name=FACILITATORS_GROUP).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def lead_addresses(example, also=None):
    """The example's partnership leads, and whoever submitted it (NCB's own examples have no partnership)."""
    emails = set()
    if example.partnership_id:
        emails.update(
            get_user_model()
            .objects.filter(
                is_active=True,
                memberships__partnership_id=example.partnership_id,
                memberships__role=MembershipRole.LEAD,
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    if also is not None and also.email:
        emails.add(also.email)
    return sorted(emails)


def send_transition_email(transition, recipients, url=None):
    """Tell `recipients` of a review step; `url` is the page to open (the example's, unless a revision's)."""
    if not recipients:
        return
    context = {
        "transition": transition,
        "example": transition.example,
        "example_url": absolute_url(url or transition.example.get_absolute_url()),
    }
    subject = render_to_string("learning/email/transition_subject.txt", context)
    body = render_to_string("learning/email/transition_body.txt", context)
    queue_email(subject, body, recipients)
