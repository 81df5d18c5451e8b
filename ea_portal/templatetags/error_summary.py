"""The page title's "Error: " prefix (WCAG 2.4.2, 3.3.1), decided once for every page in base.html.

A page shows an error summary (templates/includes/form_errors.html) for each form in its context that has errors;
the same forms are looked for here, so the title and the summary always agree without any page saying so itself.
"""

from django import template
from django.forms import BaseForm
from django.utils.functional import LazyObject, empty
from django_filters import FilterSet

register = template.Library()


def forms_in(value):
    # A lazy value nobody has used yet is not a form, and using it would have side effects: the CSRF token's
    # sets a cookie, which would keep every page out of the page cache (ea_portal.page_cache).
    if isinstance(value, LazyObject) and value._wrapped is empty:
        return
    if isinstance(value, BaseForm):
        yield value
    elif isinstance(value, FilterSet):
        yield value.form
    elif isinstance(getattr(value, "filterset", None), FilterSet):  # e.g. the matrix, which carries its filters
        yield value.filterset.form


@register.simple_tag(takes_context=True)
def error_title_prefix(context):
    """ "Error: " when a form on the page was sent with mistakes, otherwise nothing."""
    for value in context.flatten().values():
        if any(form.is_bound and form.errors for form in forms_in(value)):
            return "Error: "
    return ""


@register.simple_tag
def mark_fields_for_error_summary(form):
    """Prepare a form with errors, before its fields are drawn, for the summary that takes focus (WCAG 3.3.1, 2.4.3).

    No field keeps ``autofocus`` (Django's log-in form sets it on the username), which would pull focus away from
    the summary. A problem with the form as a whole (a wrong username or password) marks every field invalid, as
    Django marks a field with its own error. Renders nothing.
    """
    marks_all = bool(form.non_field_errors())
    for field in form.visible_fields():
        field.field.widget.attrs.pop("autofocus", None)
        if marks_all:
            field.field.widget.attrs["aria-invalid"] = "true"
    return ""
