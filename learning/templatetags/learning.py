from django import template

from learning.models import CuratedItem, ItemKind, LearningExample

register = template.Library()

THEME_PAGE_EXAMPLES = 10


@register.inclusion_tag("learning/includes/stage_label.html")
def stage_label(example):
    return {"stage": example.stage, "label": example.get_stage_display()}


@register.inclusion_tag("learning/includes/theme_learning.html")
def theme_learning(theme):
    """A theme page's published examples, questions to consider and approaches being taken: two queries,
    whatever the number of examples or items."""
    examples = list(
        LearningExample.objects.published()
        .filter(themes=theme)
        .select_related("partnership")
        .newest_first()[: THEME_PAGE_EXAMPLES + 1]
    )
    items = list(CuratedItem.objects.filter(theme=theme).order_by("order", "pk"))
    return {
        "theme": theme,
        "examples": examples[:THEME_PAGE_EXAMPLES],
        "more_examples": len(examples) > THEME_PAGE_EXAMPLES,
        "questions": [item for item in items if item.kind == ItemKind.QUESTION],
        "approaches": [item for item in items if item.kind == ItemKind.APPROACH],
    }


@register.filter
def person(user, absent="the programme data"):
    """A user's name as shown beside versions and review steps; `absent` when there is no user."""
    if user is None:
        return absent
    return user.get_full_name() or user.get_username()
