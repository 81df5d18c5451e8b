import django_filters
from django import forms

from partnerships.models import Partnership, Region, Theme


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
