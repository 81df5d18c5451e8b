"""Learning examples for tests: one helper to make an example in any state, with its first version."""

from django.utils import timezone

from learning.history import record_version
from learning.models import LearningExample, Stage, State
from partnerships.models import Theme

SECTION_TEXT = {
    "context": "The context of the work.",
    "what_was_done": "What the partnership did.",
    "helped_and_hindered": "What helped and what got in the way.",
    "impact_and_evidence": "The impact and the evidence for it.",
    "resources_needed": "Two practitioners for a day a week.",
}


def make_example(partnership=None, state=State.DRAFT, title="Peer review between neighbouring areas", **extra):
    themes = extra.pop("themes", ["independent-scrutiny"])
    now = timezone.now()
    example = LearningExample(
        title=title,
        partnership=partnership,
        state=state,
        stage=extra.pop("stage", Stage.BEING_TESTED),
        summary=extra.pop("summary", "Two partnerships review each other's practice."),
        contact_name="Sam Contact",
        contact_email="sam@example.org",
        published_at=now if state == State.PUBLISHED else None,
        submitted_at=now if state == State.SUBMITTED else None,
        **{**SECTION_TEXT, **extra},
    )
    example.assign_unique_slug()
    example.save()
    example.themes.set(Theme.objects.filter(slug__in=themes))
    record_version(example, None, note="Created")
    return example


def example_form_data(example=None, **changes):
    """What the example form posts: the example's current content (or a new example's), with changes."""
    data = {
        "title": example.title if example else "Family group conferences before child protection",
        "partnership": (example.partnership_id or "") if example else "",
        "themes": [theme.pk for theme in example.themes.all()]
        if example
        else [Theme.objects.get(slug="voice-of-children-young-people-and-families").pk],
        "stage": example.stage if example else Stage.IDEA,
        "summary": example.summary if example else "Families lead the plan.",
        "contact_name": example.contact_name if example else "Jo Lead",
        "contact_role": example.contact_role if example else "",
        "contact_email": example.contact_email if example else "",
        "version": example.version if example else 1,
        **{name: getattr(example, name) if example else text for name, text in SECTION_TEXT.items()},
    }
    data.update(changes)
    return data
