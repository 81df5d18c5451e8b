import django_filters

from ea_portal.hooks import text_listing, text_matches
from learning.models import LearningExample, Stage
from partnerships.filters import theme_filter
from partnerships.models import Partnership, Region


class LearningExampleFilter(django_filters.FilterSet):
    """The /learning/ filters; every choice lives in the URL so a filtered list can be shared."""

    q = django_filters.CharFilter(label="Words", method="filter_text")
    theme = theme_filter()
    partnership = django_filters.ModelChoiceFilter(
        to_field_name="slug", queryset=Partnership.objects.order_by("name"), empty_label="All partnerships"
    )
    region = django_filters.ChoiceFilter(
        label="Region", field_name="partnership__region", choices=Region.choices, empty_label="All regions"
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices, empty_label="All stages", label="Stage of development")

    class Meta:
        model = LearningExample
        fields = ["q", "theme", "partnership", "region", "stage"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
        self.form.fields["q"].widget.input_type = "search"

    def filter_text(self, queryset, name, value):
        # Through the search index (the search app provides the hook), so these words match what /search/ matches.
        matches = text_matches(queryset.model, value)
        return queryset if matches is None else queryset.filter(pk__in=matches)

    def matching_entries(self):
        """With words to search for, the matching examples as search index entries, every other filter applied
        from the entries' own columns: the list counts and pages them without joining the examples table (see
        ea_portal.search.query.matching_listing), then reads only the page's examples. None without words, or
        when the form is invalid (then `qs` shows nothing, as before)."""
        if not self.is_valid() or not self.form.cleaned_data.get("q"):
            return None
        data = self.form.cleaned_data
        partnerships = None
        if data.get("partnership") or data.get("region"):
            partnerships = Partnership.objects.all()
            if data.get("partnership"):
                partnerships = partnerships.filter(pk=data["partnership"].pk)
            if data.get("region"):
                partnerships = partnerships.filter(region=data["region"])
            partnerships = partnerships.values("pk")
        return text_listing(
            self.queryset.model,
            data["q"],
            theme=data.get("theme"),
            partnership_ids=partnerships,
            stage=data.get("stage") or None,
        )
