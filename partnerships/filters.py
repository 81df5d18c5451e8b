import django_filters
from django import forms

from partnerships.models import Partnership, Region, Theme


def theme_filter():
    """The "Theme" filter of every list of content with themes (learning examples, resources): one theme, by
    its slug in the URL."""
    return django_filters.ModelChoiceFilter(
        label="Theme",
        field_name="themes",
        to_field_name="slug",
        queryset=Theme.objects.all(),
        empty_label="All themes",
    )


class MatrixFilter(django_filters.FilterSet):
    """Filters the matrix's rows; the columns always stay the deck's eight themes."""

    theme = django_filters.ModelMultipleChoiceFilter(
        label="Working on all of these themes",
        field_name="approaches__theme__slug",
        to_field_name="slug",
        queryset=Theme.objects.in_matrix(),
        # Two themes chosen means partnerships working on both, not either.
        conjoined=True,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    region = django_filters.ChoiceFilter(choices=Region.choices, empty_label="All regions")

    class Meta:
        model = Partnership
        fields = ["theme", "region"]
