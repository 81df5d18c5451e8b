import django_filters
from django import forms
from django.db.models import Q

from partnerships.models import Theme
from resources.models import Resource, ResourceKind


class ResourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Words in the title or description",
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ChoiceFilter(label="Kind", choices=ResourceKind.choices, empty_label="All kinds")
    theme = django_filters.ModelChoiceFilter(
        label="Theme",
        field_name="themes",
        to_field_name="slug",
        queryset=Theme.objects.all(),
        empty_label="All themes",
    )

    class Meta:
        model = Resource
        fields = ["q", "kind", "theme"]

    def filter_text(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset
