from django import template

from learning.coverage import examples_by_stage_chart, theme_stage_chart, with_published_stage_counts
from learning.models import CuratedItem, ItemKind, LearningExample
from partnerships.models import Theme

register = template.Library()

THEME_PAGE_EXAMPLES = 10


@register.inclusion_tag("learning/includes/stage_label.html")
def stage_label(example):
    return {"stage": example.stage, "label": example.get_stage_display()}


@register.inclusion_tag("learning/includes/theme_learning.html")
def theme_learning(theme):
    """A theme page's newest published examples (a link leads to the rest), questions to consider and approaches
    being taken: three queries, whatever the number of examples or items."""
    examples = LearningExample.objects.published().filter(themes=theme)
    items = list(CuratedItem.objects.filter(theme=theme).order_by("order", "pk"))
    return {
        "theme": theme,
        # Only what a line of the list shows, not the examples' long sections.
        "examples": list(
            examples.select_related("partnership")
            .only("title", "slug", "stage", "partnership__name", "partnership__slug")
            .newest_first()[:THEME_PAGE_EXAMPLES]
        ),
        "example_count": examples.count(),
        "questions": [item for item in items if item.kind == ItemKind.QUESTION],
        "approaches": [item for item in items if item.kind == ItemKind.APPROACH],
    }


# The partnerships app's matrix and theme pages show how much learning is published on each theme. Learning
# owns those figures and partnerships cannot import it (apps import only downward), so its templates draw them
# with these tags.


@register.inclusion_tag("includes/chart_horizontal.html")
def examples_per_theme_chart(matrix_columns=False):
    """Published examples on every theme by stage of development: one query. `matrix_columns`: only the
    matrix's themes, in its column order and under its column labels."""
    if matrix_columns:
        themes = with_published_stage_counts(Theme.objects.in_matrix())
        return {"chart": examples_by_stage_chart(themes, label=lambda theme: theme.column_label)}
    return {"chart": examples_by_stage_chart(with_published_stage_counts(Theme.objects.order_by("order", "name")))}


@register.inclusion_tag("includes/chart_horizontal.html")
def theme_examples_chart(theme):
    """One theme's published examples by stage of development: one query."""
    return {"chart": theme_stage_chart(with_published_stage_counts(Theme.objects.filter(pk=theme.pk)).get())}


@register.filter
def person(user, absent="the programme data"):
    """A user's name as shown beside versions and review steps; `absent` when there is no user."""
    if user is None:
        return absent
    return user.get_full_name() or user.get_username()
