from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_without(context, *names):
    """The current query string without the named parameters, for links that change only those."""
    params = context["request"].GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
