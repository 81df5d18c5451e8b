from django import template

from partnerships.roles import is_facilitator
from resources.models import FAQ, Resource

register = template.Library()


@register.filter(name="is_facilitator")
def user_is_facilitator(user):
    return is_facilitator(user)


@register.inclusion_tag("resources/includes/theme_resources_faqs.html")
def theme_resources_and_faqs(theme):
    """A theme page's published resources and FAQs: two queries, however many there are."""
    return {
        "theme": theme,
        "resources": list(Resource.objects.published().filter(themes=theme).order_by("title")),
        "faqs": list(FAQ.objects.published().filter(theme=theme).order_by("order", "pk")),
    }
