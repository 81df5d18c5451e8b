import django_filters
from django.db.models import Q

from learning.models import LearningExample, Stage
from partnerships.models import Partnership, Region, Theme


class LearningExampleFilter(django_filters.FilterSet):
    """The /learning/ filters; every choice lives in the URL so a filtered list can be shared."""

    q = django_filters.CharFilter(label="Words", method="filter_text")
    theme = django_filters.ModelChoiceFilter(
        label="Theme",
        field_name="themes",
        to_field_name="slug",
        queryset=Theme.objects.all(),
        empty_label="All themes",
    )
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
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(context__icontains=word)
                | Q(what_was_done__icontains=word)
                | Q(helped_and_hindered__icontains=word)
                | Q(impact_and_evidence__icontains=word)
                | Q(resources_needed__icontains=word)
                | Q(partnership__name__icontains=word)
            )
        return queryset
