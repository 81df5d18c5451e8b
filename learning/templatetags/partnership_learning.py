"""A partnership's learning, drawn on its page (the partnership's hub). Partnerships may not import learning
(apps import only downward), so its template loads this tag library instead."""

from django import template

from learning.models import LearningExample, State

register = template.Library()

# The hub shows the newest few and links to /learning/ filtered to the partnership for the rest.
HUB_PUBLISHED_EXAMPLES = 10
# Its own leads see their unfinished work here; /contribute/ lists all of it, with paging and filters.
HUB_WORK_IN_PROGRESS = 10


@register.inclusion_tag("learning/includes/partnership_learning.html", takes_context=True)
def partnership_learning(context, partnership, may_contribute=False):
    """The partnership's published examples, newest first, and, for those who may contribute for it (its leads
    and facilitators: the view decides), its unpublished ones. At most three queries, whatever the numbers of
    examples: published examples, their themes, and the unpublished ones."""
    published = list(
        LearningExample.objects.published()
        .filter(partnership=partnership)
        .prefetch_related("themes")
        .newest_first()[: HUB_PUBLISHED_EXAMPLES + 1]
    )
    in_progress = []
    if may_contribute:
        # editable_by as well as the view's decision: never another partnership's drafts, whatever a caller says.
        in_progress = list(
            LearningExample.objects.editable_by(context["request"].user)
            .filter(partnership=partnership)
            .exclude(state=State.PUBLISHED)
            .order_by("-updated", "-pk")[: HUB_WORK_IN_PROGRESS + 1]
        )
    return {
        "partnership": partnership,
        "may_contribute": may_contribute,
        "published": published[:HUB_PUBLISHED_EXAMPLES],
        "more_published": len(published) > HUB_PUBLISHED_EXAMPLES,
        "in_progress": in_progress[:HUB_WORK_IN_PROGRESS],
        "more_in_progress": len(in_progress) > HUB_WORK_IN_PROGRESS,
    }
