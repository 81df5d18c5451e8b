"""The review workflow: draft -> submitted -> published, or -> returned -> resubmitted; facilitators can unpublish.

Each step is recorded as a Transition (who, when, feedback, the anonymity confirmation) and emails the other
side. Views call these functions only after checking the user's role."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from learning import emails
from learning.history import apply_content
from learning.models import (
    LEAD_EDITABLE_STATES,
    OPEN_REVISION_STATES,
    Action,
    ExampleRevision,
    RevisionState,
    State,
    Transition,
)
from partnerships.roles import is_facilitator


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


# What submitting and publishing need that a draft may leave empty (a draft needs only its title): the field's
# name in the editing form, its label, and what to do. Partnership leads also give a stage and a named contact;
# facilitators may leave those empty, as NCB's deck does.
@dataclass(frozen=True)
class Missing:
    field: str
    label: str
    message: str

    @property
    def anchor(self):
        """The id of the field on the editing form (a list of boxes is reached by its first box)."""
        return f"id_{self.field}_0" if self.field in {"themes", "stage"} else f"id_{self.field}"


REQUIRED_TO_PUBLISH = [
    ("themes", "Themes", "Choose at least one theme."),
    ("summary", "Summary", "Write a summary."),
]
REQUIRED_OF_LEADS = [
    ("stage", "Stage", "Choose the stage of development."),
    ("contact_name", "Contact name", "Name a contact for the example."),
]


def missing_for(content, user, publishing=False):
    """What a content (history.snapshot's shape) still lacks before `user` may submit it, or publish it."""
    required = list(REQUIRED_TO_PUBLISH)
    if not publishing and not is_facilitator(user):
        required += REQUIRED_OF_LEADS
    return [Missing(name, label, message) for name, label, message in required if not content.get(name)]


@transaction.atomic
def _move(example, action, user, **details):
    if not can(action, example):
        raise TransitionNotAllowed(f"A {example.get_state_display().lower()} example cannot be {action.label.lower()}.")
    transition = Transition.objects.create(
        example=example, action=action, from_state=example.state, to_state=TARGET[action], by=user, **details
    )
    example.state = TARGET[action]
    now = timezone.now()
    example.last_activity = now
    if action == Action.SUBMIT:
        example.submitted_at = now
    if action == Action.PUBLISH and example.published_at is None:
        example.published_at = now
    # update_fields keeps `updated` meaning "the content last changed".
    example.save(update_fields=["state", "submitted_at", "published_at", "last_activity"])
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


def latest_feedback(example, revision=False):
    """The facilitators' most recent feedback on a returned or unpublished example (or on its returned
    revision), or None."""
    actions = [Action.REVISION_RETURN] if revision else [Action.RETURN, Action.UNPUBLISH]
    return example.transitions.filter(action__in=actions).exclude(feedback="").select_related("by").first()


# Revisions of published examples --------------------------------------------------------------------------

REVISION_ALLOWED_FROM = {
    Action.REVISION_SUBMIT: frozenset({RevisionState.DRAFT, RevisionState.RETURNED}),
    # Facilitators may publish their own revision without submitting it first, as they may an example.
    Action.REVISION_PUBLISH: OPEN_REVISION_STATES,
    Action.REVISION_RETURN: frozenset({RevisionState.SUBMITTED}),
    Action.REVISION_WITHDRAW: OPEN_REVISION_STATES,
}
REVISION_TARGET = {
    Action.REVISION_SUBMIT: RevisionState.SUBMITTED,
    Action.REVISION_PUBLISH: RevisionState.PUBLISHED,
    Action.REVISION_RETURN: RevisionState.RETURNED,
    Action.REVISION_WITHDRAW: RevisionState.WITHDRAWN,
}


def can_revise(action, revision):
    return revision.state in REVISION_ALLOWED_FROM[action]


@transaction.atomic
def _move_revision(revision, action, user, **details):
    """Move the revision on and record the step; returns the transition and the revision as now stored."""
    # Lock the revision and read it afresh: two facilitators deciding at once must not both act on it, and a
    # decision applies the content as it is now, not as it was when the page was opened.
    locked = (
        ExampleRevision.objects.select_for_update(of=("self",))
        .select_related("example__partnership", "created_by")
        .get(pk=revision.pk)
    )
    example = locked.example
    if locked.state not in REVISION_ALLOWED_FROM[action] or (
        action != Action.REVISION_WITHDRAW and example.state != State.PUBLISHED
    ):
        raise TransitionNotAllowed(f"A {locked.get_state_display().lower()} revision cannot be {action.label.lower()}.")
    transition = Transition.objects.create(
        example=example, action=action, from_state=example.state, to_state=example.state, by=user, **details
    )
    now = timezone.now()
    locked.state = REVISION_TARGET[action]
    if action == Action.REVISION_SUBMIT:
        locked.submitted_at = now
    if action in {Action.REVISION_RETURN, Action.REVISION_PUBLISH}:
        locked.decided_by, locked.decided_at = user, now
    if action == Action.REVISION_RETURN:
        locked.feedback = details.get("feedback", "")
    locked.save()
    example.touch()
    return transition, locked


def submit_revision(request, revision):
    transition, revision = _move_revision(revision, Action.REVISION_SUBMIT, request.user, anonymity_confirmed=True)
    emails.send_transition_email(transition, emails.facilitator_addresses(), url=revision.get_absolute_url())
    return transition


@transaction.atomic
def publish_revision(request, revision):
    """Make the revision the example's published text: a new version, saved as any edit is (signals included)."""
    transition, revision = _move_revision(revision, Action.REVISION_PUBLISH, request.user, anonymity_confirmed=True)
    apply_content(revision.example, revision.content, request.user, note="Published revision")
    recipients = emails.lead_addresses(revision.example, also=revision.created_by)
    emails.send_transition_email(transition, recipients)
    return transition


def return_revision(request, revision, feedback):
    transition, revision = _move_revision(revision, Action.REVISION_RETURN, request.user, feedback=feedback)
    recipients = emails.lead_addresses(revision.example, also=revision.created_by)
    emails.send_transition_email(transition, recipients, url=revision.get_absolute_url())
    return transition


def withdraw_revision(request, revision):
    return _move_revision(revision, Action.REVISION_WITHDRAW, request.user)[0]
