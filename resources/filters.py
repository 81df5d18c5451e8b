import django_filters
from django import forms

from ea_portal.hooks import text_matches
from partnerships.filters import theme_filter
from resources.models import Resource, ResourceKind


class ResourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Words in the title or description",
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ChoiceFilter(label="Kind", choices=ResourceKind.choices, empty_label="All kinds")
    theme = theme_filter()

    class Meta:
        model = Resource
        fields = ["q", "kind", "theme"]

    def filter_text(self, queryset, name, value):
        # Through the search index (the search app provides the hook), so these words match what /search/ matches.
        matches = text_matches(queryset.model, value)
        return queryset if matches is None else queryset.filter(pk__in=matches)
