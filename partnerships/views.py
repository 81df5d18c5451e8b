import csv
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView

from ea_portal.charts import Category, HorizontalBarChart
from partnerships.filters import MatrixFilter
from partnerships.models import Partnership, PublishedArrangement, SiteApproach, Theme


@dataclass
class MatrixRow:
    partnership: Partnership
    marks: list  # one bool per matrix column, in column order


@dataclass
class Matrix:
    filterset: MatrixFilter
    columns: list
    rows: list
    totals: list


def build_matrix(request):
    """The EA theme matrix, its rows narrowed by the filters in the query string."""
    partnerships = Partnership.objects.prefetch_related(
        Prefetch("approaches", queryset=SiteApproach.objects.only("partnership_id", "theme_id"))
    )
    filterset = MatrixFilter(request.GET or None, queryset=partnerships)
    columns = list(Theme.objects.in_matrix())
    rows = []
    for partnership in filterset.qs:
        marked = {approach.theme_id for approach in partnership.approaches.all()}
        rows.append(MatrixRow(partnership, [theme.pk in marked for theme in columns]))
    totals = [sum(row.marks[index] for row in rows) for index in range(len(columns))]
    return Matrix(filterset, columns, rows, totals)


def partnership_coverage_chart(matrix):
    """How many of the partnerships shown work on each matrix theme: the totals row, drawn."""
    categories = [
        Category(theme.column_label, [total], theme.get_absolute_url())
        for theme, total in zip(matrix.columns, matrix.totals, strict=True)
    ]
    most = max(categories, key=lambda category: category.total, default=None)
    description = f"Bar chart of how many of the {len(matrix.rows)} partnerships shown work on each approach."
    if most and most.total:
        description += f" The most common is {most.label}, with {most.total}."
    return HorizontalBarChart(
        chart_id="partnerships-per-theme",
        title="Partnerships working on each approach",
        description=description,
        series=["Partnerships"],
        categories=categories,
        value_label="Partnerships",
        category_heading="Approach",
    )


def matrix(request):
    matrix = build_matrix(request)
    return render(
        request,
        "partnerships/matrix.html",
        {"matrix": matrix, "coverage_chart": partnership_coverage_chart(matrix)},
    )


def matrix_csv(request):
    matrix = build_matrix(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ea-theme-matrix.csv"'
    writer = csv.writer(response)
    writer.writerow(["EA site", "Region", *[theme.column_label for theme in matrix.columns]])
    for row in matrix.rows:
        writer.writerow(
            [row.partnership.name, row.partnership.get_region_display(), *["X" if mark else "" for mark in row.marks]]
        )
    writer.writerow(["Total", "", *matrix.totals])
    return response


class PartnershipListView(ListView):
    template_name = "partnerships/partnership_list.html"
    paginate_by = 25

    def get_queryset(self):
        return Partnership.objects.with_theme_counts().prefetch_related("authorities").order_by("name")


class PartnershipDetailView(DetailView):
    template_name = "partnerships/partnership_detail.html"

    def get_queryset(self):
        return Partnership.objects.prefetch_related(
            "authorities",
            "arrangements",
            Prefetch("approaches", queryset=SiteApproach.objects.select_related("theme").order_by("theme__order")),
        )


class ThemeListView(ListView):
    template_name = "partnerships/theme_list.html"

    def get_queryset(self):
        return Theme.objects.with_partnership_counts()


def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    approaches = theme.approaches.select_related("partnership").order_by("partnership__deck_order")
    return render(request, "partnerships/theme_detail.html", {"theme": theme, "approaches": approaches})


class ArrangementListView(ListView):
    template_name = "partnerships/arrangement_list.html"

    def get_queryset(self):
        return PublishedArrangement.objects.select_related("partnership")
