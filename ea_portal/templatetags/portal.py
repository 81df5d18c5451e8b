"""The site-wide template tags and filters. A builtin (settings.TEMPLATES), so every template has them without
{% load %}."""

from django import template
from django.conf import settings

from ea_portal.markdown import html_text

register = template.Library()


@register.simple_tag(takes_context=True)
def query_without(context, *names):
    """The current query string without the named parameters, for links that change only those."""
    params = context["request"].GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@register.filter
def plain_text(rendered):
    """The text of stored, sanitised HTML as a plain string, escaped like any other where it is put: the way to
    put user-written content into an attribute value such as a page's description."""
    return html_text(rendered)


@register.simple_tag
def programme_contact_email():
    """The programme's contact address (settings.PROGRAMME_CONTACT_EMAIL); a tag rather than a context
    variable because the 500 page is rendered without a request context."""
    return settings.PROGRAMME_CONTACT_EMAIL
