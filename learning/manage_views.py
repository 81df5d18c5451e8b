"""The facilitators' list of every learning example in every state, filtered by state, partnership, theme and
month published: where the dashboard's figures about examples lead."""

import django_filters
from django.core.paginator import Paginator
from django.shortcuts import render

from ea_portal.months import MonthField, month_bounds
from learning.models import LearningExample, State
from partnerships.filters import theme_filter
from partnerships.models import Partnership
from partnerships.roles import facilitator_required

EXAMPLES_PER_PAGE = 50


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class AllExamplesFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices, empty_label="Every state")
    partnership = django_filters.ModelChoiceFilter(
        to_field_name="slug", queryset=Partnership.objects.order_by("name"), empty_label="All partnerships"
    )
    theme = theme_filter()
    published = MonthFilter(
        label="Month first published", method="filter_published", help_text="A month, e.g. 2026-03."
    )

    class Meta:
        model = LearningExample
        fields = ["state", "partnership", "theme", "published"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "published" else "form-select"

    def filter_published(self, queryset, name, value):
        start, end = month_bounds(value)
        return queryset.filter(published_at__gte=start, published_at__lt=end)


@facilitator_required
def all_examples(request):
    """Every example, whatever its state, the most recently changed first."""
    examples = LearningExample.objects.for_listing().order_by("-updated", "-pk")
    filterset = AllExamplesFilter(request.GET or None, queryset=examples)
    page_obj = Paginator(filterset.qs, EXAMPLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "learning/all_examples.html", {"filterset": filterset, "page_obj": page_obj})
