from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ea_portal import content_version
from ea_portal.charts import Category, HorizontalBarChart
from ea_portal.spreadsheets import csv_response
from partnerships.filters import MatrixFilter
from partnerships.forms import PartnershipContactForm, PartnershipNoteForm, ThemeNoteForm
from partnerships.models import Partnership, PublishedArrangement, SiteApproach, Theme
from partnerships.programme_data import NCB_OVERVIEW_URL
from partnerships.roles import check_contributor_for, facilitator_required, is_facilitator, may_contribute_for

# At national scale the table has 1,200 cells (150 partnerships x 8 approaches) but only two kinds of cell, so each
# is written once here and a row's cells are joined in Python instead of the template engine rendering every cell
# (issue 14). A mark is a tick hidden from screen readers plus "Yes" in words for them; no mark is "No" in words.
# The styles find the cells as `.matrix-table tbody td` (no class on each cell keeps the page small).
MARK_CELLS = {
    True: SafeString('<td><span aria-hidden="true">\u2713</span><span class="visually-hidden">Yes</span></td>'),
    False: SafeString('<td><span class="visually-hidden">No</span></td>'),
}


@dataclass
class MatrixRow:
    partnership: Partnership
    marks: list  # one bool per matrix column, in column order
    cells: SafeString  # the table's <td>s for the marks, in column order
    marked_items: SafeString  # the list by partnership's <li>s, one per column marked ("" when none is)


@dataclass
class Matrix:
    filterset: MatrixFilter
    columns: list
    rows: list
    totals: list

    @property
    def filters_applied(self):
        return self.filterset.applied()


def build_matrix(request):
    """The EA theme matrix, its rows narrowed by the filters in the query string."""
    partnerships = Partnership.objects.prefetch_related(
        Prefetch("approaches", queryset=SiteApproach.objects.only("partnership_id", "theme_id"))
    )
    filterset = MatrixFilter(request.GET or None, queryset=partnerships)
    columns = list(Theme.objects.in_matrix())
    # Each column's item in the list by partnership, built once for all the rows that mark it.
    column_items = [
        format_html('<li><a href="{}">{}</a></li>', theme.get_absolute_url(), theme.column_label) for theme in columns
    ]
    rows = []
    for partnership in filterset.qs:
        marked = {approach.theme_id for approach in partnership.approaches.all()}
        marks = [theme.pk in marked for theme in columns]
        rows.append(
            MatrixRow(
                partnership,
                marks,
                SafeString("".join(MARK_CELLS[mark] for mark in marks)),
                SafeString("".join(item for item, mark in zip(column_items, marks, strict=True) if mark)),
            )
        )
    totals = [sum(row.marks[index] for row in rows) for index in range(len(columns))]
    return Matrix(filterset, columns, rows, totals)


def partnerships_per_theme_chart(themes, counts, *, shown, noun, label):
    """How many partnerships work on each theme (called `noun` on this page): bars linking to the themes."""
    categories = [
        Category(label(theme), [count], theme.get_absolute_url()) for theme, count in zip(themes, counts, strict=True)
    ]
    most = max(categories, key=lambda category: category.total, default=None)
    description = f"Bar chart of how many of {shown} work on each {noun}."
    if most and most.total:
        description += f" The most common is {most.label}, with {most.total}."
    return HorizontalBarChart(
        chart_id="partnerships-per-theme",
        title=f"Partnerships working on each {noun}",
        description=description,
        series=["Partnerships"],
        categories=categories,
        value_label="Partnerships",
        category_heading=noun.capitalize(),
    )


def matrix_column_label(theme):
    return theme.column_label


def partnership_coverage_chart(matrix):
    """How many of the partnerships shown work on each matrix theme: the totals row, drawn."""
    return partnerships_per_theme_chart(
        matrix.columns,
        matrix.totals,
        shown=f"the {len(matrix.rows)} partnerships shown",
        noun="approach",
        label=matrix_column_label,
    )


# The ways the matrix page lays out the same rows: the deck's table, or one block per partnership (for phones).
MATRIX_VIEWS = {"table", "partnerships"}


def render_matrix_content(request):
    """The matrix page's body (the same for everyone) and whether its filters had errors."""
    matrix = build_matrix(request)
    view = request.GET.get("view") if request.GET.get("view") in MATRIX_VIEWS else "table"
    # The published examples chart is learning's (the examples_per_theme_chart tag in the template).
    context = {
        "matrix": matrix,
        "overview_url": NCB_OVERVIEW_URL,
        "view": view,
        # The empty state's "clear the filters to see all N partnerships" counts the whole programme.
        "partnership_total": None if matrix.rows else Partnership.objects.count(),
        "coverage_chart": partnership_coverage_chart(matrix),
    }
    content = render_to_string("partnerships/includes/matrix_content.html", context, request)
    return content, bool(matrix.filterset.is_bound and matrix.filterset.form.errors)


def matrix(request):
    # The body is kept under the content version for each query string: anonymous visitors get the whole page from
    # the page cache, and logged-in users (whose pages are never cached whole) skip the 150-row build too.
    content, filter_errors = content_version.cached_fragment(
        "matrix", request.META.get("QUERY_STRING", ""), lambda: render_matrix_content(request)
    )
    context = {"matrix_content": content}
    if filter_errors:
        # The title's "Error: " prefix looks for a form with errors among the page's context (error_summary).
        context["filter_form"] = MatrixFilter(request.GET).form
    return render(request, "partnerships/matrix.html", context)


def matrix_csv(request):
    matrix = build_matrix(request)
    rows = [
        ["EA site", "Region", *[theme.column_label for theme in matrix.columns]],
        *(
            [row.partnership.name, row.partnership.get_region_display(), *["X" if mark else "" for mark in row.marks]]
            for row in matrix.rows
        ),
        ["Total", "", *matrix.totals],
    ]
    return csv_response("ea-theme-matrix.csv", rows)


PARTNERSHIPS_PER_PAGE = 25


def partnership_list(request):
    partnerships = Partnership.objects.with_theme_counts().prefetch_related("authorities").order_by("name")
    page_obj = Paginator(partnerships, PARTNERSHIPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "partnerships/partnership_list.html", {"page_obj": page_obj, "paginator": page_obj.paginator}
    )


def partnership_detail(request, slug):
    partnerships = Partnership.objects.prefetch_related(
        "authorities",
        Prefetch("arrangements", queryset=PublishedArrangement.objects.select_related("authority")),
        Prefetch("approaches", queryset=SiteApproach.objects.select_related("theme").order_by("theme__order")),
    )
    partnership = get_object_or_404(partnerships, slug=slug)
    # The partnership's hub. Its examples are learning's, drawn by learning's partnership_learning tag in the
    # template (partnerships may not import learning); only its own leads and facilitators see its drafts.
    context = {
        "partnership": partnership,
        "may_edit_notes": is_facilitator(request.user),
        "may_contribute": may_contribute_for(request.user, partnership),
    }
    return render(request, "partnerships/partnership_detail.html", context)


def partnership_contact_edit(request, slug):
    """The partnership's leads and NCB's facilitators keep its contact up to date."""
    partnership = get_object_or_404(Partnership, slug=slug)
    refusal = check_contributor_for(request, partnership)
    if refusal is not None:
        return refusal
    form = PartnershipContactForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        form.save()
        if partnership.has_contact:
            messages.success(request, f"The contact for {partnership.name} is saved: {partnership.contact_name}.")
        else:
            messages.success(
                request, f"The contact for {partnership.name} is cleared: its page now says that none has been given."
            )
        return redirect(partnership)
    return render(request, "partnerships/contact_form.html", {"form": form, "partnership": partnership})


def theme_list(request):
    # Aggregating queries ignore Meta.ordering, so the themes' order is given here.
    themes = Theme.objects.with_partnership_counts().order_by("order", "name")
    chart = partnerships_per_theme_chart(
        themes,
        [theme.partnership_count for theme in themes],
        shown="the Early Adopter partnerships",
        noun="theme",
        label=str,
    )
    # The published examples chart is learning's (the examples_per_theme_chart tag in the template).
    return render(request, "partnerships/theme_list.html", {"object_list": themes, "partnerships_chart": chart})


def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    approaches = theme.approaches.select_related("partnership").order_by("partnership__deck_order")
    context = {"theme": theme, "approaches": approaches, "may_edit_notes": is_facilitator(request.user)}
    return render(request, "partnerships/theme_detail.html", context)


def arrangement_list(request):
    arrangements = PublishedArrangement.objects.select_related("partnership", "authority")
    return render(request, "partnerships/arrangement_list.html", {"object_list": arrangements})


def edit_portal_note(request, instance, form_class, heading):
    """A facilitator changes the portal team's own text about a partnership or a theme."""
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The portal note is saved.")
        return redirect(instance)
    return render(request, "partnerships/portal_note_form.html", {"form": form, "object": instance, "heading": heading})


@facilitator_required
def partnership_note_edit(request, slug):
    partnership = get_object_or_404(Partnership, slug=slug)
    return edit_portal_note(request, partnership, PartnershipNoteForm, f"Portal note about {partnership.name}")


@facilitator_required
def theme_note_edit(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    return edit_portal_note(request, theme, ThemeNoteForm, f"Portal note about {theme.name}")
