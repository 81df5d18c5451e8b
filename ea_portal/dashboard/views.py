from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from ea_portal.dashboard.figures import FIGURES, DashboardData, build_figure
from ea_portal.spreadsheets import csv_response
from learning import coverage as gaps
from partnerships.models import Theme
from partnerships.roles import facilitator_required
from resources.faq_views import remember_questions_waiting

STALE_EXAMPLES_PER_PAGE = 25


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


@facilitator_required
def dashboard(request):
    data = DashboardData(timezone.now())
    figures = {slug.replace("-", "_"): build_figure(slug, data) for slug in FIGURES}
    # The navigation shows the same count: counted once.
    remember_questions_waiting(request, data.questions["waiting"])
    return render(request, "dashboard/dashboard.html", {"figures": figures, "now": data.now})


@facilitator_required
def dashboard_csv(request, table):
    if table not in FIGURES:
        raise Http404("No such dashboard table.")
    figure = build_figure(table, DashboardData(timezone.now()), for_csv=True)
    rows = [figure.table_headings(), *figure.table_rows()]
    return csv_response(f"ea-portal-{table}-{timezone.localdate()}.csv", rows)
