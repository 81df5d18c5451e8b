"""The review workflow: draft -> submitted -> published, or -> returned -> resubmitted; facilitators can unpublish.

Each step is recorded as a Transition (who, when, feedback, the anonymity confirmation) and emails the other
side. Views call these functions only after checking the user's role."""

from django.db import transaction
from django.utils import timezone

from learning import emails
from learning.models import LEAD_EDITABLE_STATES, Action, State, Transition


class TransitionNotAllowed(Exception):
    pass


# The states each action may start from.
ALLOWED_FROM = {
    Action.SUBMIT: LEAD_EDITABLE_STATES,
    Action.PUBLISH: frozenset({State.DRAFT, State.SUBMITTED, State.RETURNED, State.UNPUBLISHED}),
    Action.RETURN: frozenset({State.SUBMITTED}),
    Action.UNPUBLISH: frozenset({State.PUBLISHED}),
}
TARGET = {
    Action.SUBMIT: State.SUBMITTED,
    Action.PUBLISH: State.PUBLISHED,
    Action.RETURN: State.RETURNED,
    Action.UNPUBLISH: State.UNPUBLISHED,
}


def can(action, example):
    return example.state in ALLOWED_FROM[action]


@transaction.atomic
def _move(example, action, user, **details):
    if not can(action, example):
        raise TransitionNotAllowed(f"A {example.get_state_display().lower()} example cannot be {action.label.lower()}.")
    transition = Transition.objects.create(
        example=example, action=action, from_state=example.state, to_state=TARGET[action], by=user, **details
    )
    example.state = TARGET[action]
    now = timezone.now()
    if action == Action.SUBMIT:
        example.submitted_at = now
    if action == Action.PUBLISH and example.published_at is None:
        example.published_at = now
    # update_fields keeps `updated` meaning "the content last changed".
    example.save(update_fields=["state", "submitted_at", "published_at"])
    return transition


def submit(request, example):
    transition = _move(example, Action.SUBMIT, request.user, anonymity_confirmed=True)
    emails.send_transition_email(transition, emails.facilitator_addresses())
    return transition


def publish(request, example):
    transition = _move(example, Action.PUBLISH, request.user, anonymity_confirmed=True)
    emails.send_transition_email(transition, emails.lead_addresses(example, also=last_submitter(example)))
    return transition


def return_with_feedback(request, example, feedback):
    transition = _move(example, Action.RETURN, request.user, feedback=feedback)
    emails.send_transition_email(transition, emails.lead_addresses(example, also=last_submitter(example)))
    return transition


def unpublish(request, example, reason=""):
    transition = _move(example, Action.UNPUBLISH, request.user, feedback=reason)
    emails.send_transition_email(transition, emails.lead_addresses(example, also=last_submitter(example)))
    return transition


def last_submitter(example):
    transition = example.transitions.filter(action=Action.SUBMIT).select_related("by").first()
    return transition.by if transition else None


def latest_feedback(example):
    """The facilitators' most recent feedback on a returned or unpublished example, or None."""
    return example.transitions.filter(action__in=[Action.RETURN, Action.UNPUBLISH]).exclude(feedback="").first()
