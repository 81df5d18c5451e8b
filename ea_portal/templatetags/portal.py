"""The site-wide template tags and filters. A builtin (settings.TEMPLATES), so every template has them without
{% load %}."""

from django import forms, template
from django.conf import settings
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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


@register.simple_tag
def filter_field(field):
    """A filter form's field as {{ field }} renders it, but a plain <select> built here rather than through
    Django's widget templates, which render every <option> as a template of its own: for /learning/'s list of
    150 partnerships that cost more than the rest of the page. Anything else (other widgets, grouped choices,
    a field with errors, which Django marks up for assistive technology) is rendered by Django."""
    widget = field.field.widget
    if type(widget) is not forms.Select or field.errors:
        return field.as_widget()
    options = []
    current = field.value()
    current = "" if current is None else str(current)
    for value, label in widget.choices:
        if isinstance(label, (list, tuple)):
            return field.as_widget()
        value = "" if value is None else str(value)
        options.append((value, mark_safe(" selected") if value == current else "", label))
    attrs = field.build_widget_attrs({**widget.attrs, "name": field.html_name})
    if field.auto_id:
        attrs["id"] = field.auto_id
    return format_html(
        "<select{}>{}</select>",
        flatatt(attrs),
        format_html_join("", '<option value="{}"{}>{}</option>', options),
    )
