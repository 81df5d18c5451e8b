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
        label="Developing all of these approaches",
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The checkboxes read as the columns they filter on ("Alternative structural model", not the theme).
        self.form.fields["theme"].label_from_instance = lambda theme: theme.column_label

    def applied(self):
        """The filters in force, as (label, chosen values) in words, for the page and the printout to state."""
        if not self.is_bound or not self.form.is_valid():
            return []
        applied = []
        if self.form.cleaned_data.get("theme"):
            applied.append(
                (self.form.fields["theme"].label, [theme.column_label for theme in self.form.cleaned_data["theme"]])
            )
        if self.form.cleaned_data.get("region"):
            applied.append(("Region", [Region(self.form.cleaned_data["region"]).label]))
        return applied
