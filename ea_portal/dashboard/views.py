import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ea_portal.dashboard import coverage as gaps
from ea_portal.dashboard.figures import FIGURES, build_figure
from partnerships.models import Theme
from partnerships.roles import is_facilitator

STALE_EXAMPLES_PER_PAGE = 25
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection): titles are user text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def require_facilitator(user):
    if not is_facilitator(user):
        raise PermissionDenied


def coverage(request):
    """Public: what the published learning covers, and the gaps, each listed with a link."""
    now = timezone.now()
    themes = list(gaps.with_published_stage_counts(Theme.objects.order_by("order", "name")))
    uncovered = [theme for theme in themes if not sum(gaps.published_stage_counts(theme))]
    stale = Paginator(gaps.stale_examples(now), STALE_EXAMPLES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "stage_chart": gaps.examples_by_stage_chart(themes, chart_id="coverage-examples-per-theme"),
        "themes_without_examples": uncovered,
        "lines_without_examples": sorted(
            (theme for theme in uncovered if theme.enquiry_order is not None), key=lambda theme: theme.enquiry_order
        ),
        "marks_without_examples": gaps.marks_without_published_examples(),
        "page_obj": stale,
        "stale_cutoff": gaps.stale_cutoff(now),
    }
    return render(request, "dashboard/coverage.html", context)


@login_required
def dashboard(request):
    require_facilitator(request.user)
    now = timezone.now()
    figures = {slug.replace("-", "_"): build_figure(slug, now) for slug in FIGURES}
    return render(request, "dashboard/dashboard.html", {"figures": figures, "now": now})


def neutralise(value):
    text = str(value)
    return f"'{text}" if isinstance(value, str) and text.startswith(FORMULA_PREFIXES) else text


@login_required
def dashboard_csv(request, table):
    require_facilitator(request.user)
    if table not in FIGURES:
        raise Http404("No such dashboard table.")
    figure = build_figure(table, timezone.now())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ea-portal-{table}-{timezone.localdate()}.csv"'
    writer = csv.writer(response)
    writer.writerow(figure.table_headings())
    writer.writerows([neutralise(value) for value in row] for row in figure.table_rows())
    return response
