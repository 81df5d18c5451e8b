from django import template

from resources.models import FAQ, Resource

register = template.Library()

# How many of a theme's resources and FAQs its page shows before "See all".
THEME_PAGE_RESOURCES = 10
THEME_PAGE_FAQS = 10


@register.inclusion_tag("resources/includes/theme_resources_faqs.html")
def theme_resources_and_faqs(theme):
    """A theme page's first published resources and FAQs, with links to all of them: four queries, however many
    there are (a theme at national scale has hundreds of each, too many for one page)."""
    resources = Resource.objects.published().filter(themes=theme)
    faqs = FAQ.objects.published().filter(theme=theme)
    return {
        "theme": theme,
        "resources": list(resources.order_by("title")[:THEME_PAGE_RESOURCES]),
        "resource_count": resources.count(),
        "faqs": list(faqs.order_by("order", "pk")[:THEME_PAGE_FAQS]),
        "faq_count": faqs.count(),
    }
