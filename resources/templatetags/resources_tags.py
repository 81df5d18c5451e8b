from django import template

from resources.models import FAQ, Resource

register = template.Library()


@register.inclusion_tag("resources/includes/theme_resources_faqs.html")
def theme_resources_and_faqs(theme):
    """A theme page's published resources and FAQs: two queries, however many there are."""
    return {
        "theme": theme,
        "resources": list(Resource.objects.published().filter(themes=theme).order_by("title")),
        "faqs": list(FAQ.objects.published().filter(theme=theme).order_by("order", "pk")),
    }
