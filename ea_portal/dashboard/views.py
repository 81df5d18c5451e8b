from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from ea_portal import content_version
from ea_portal.dashboard.figures import FIGURES, DashboardData, build_figure
from ea_portal.spreadsheets import csv_response
from learning import coverage as gaps
from partnerships.models import Theme
from partnerships.roles import facilitator_required
from resources.faq_views import remember_questions_waiting

STALE_EXAMPLES_PER_PAGE = 25
# The figures are shared by every facilitator for this long at most. Every content save (an example, a revision, a
# question) retires them at once through the content version; downloads and newsletter sign-ups bump nothing, so
# those figures may be up to this old, and the page says so.
FIGURES_SECONDS = 60


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


def counted_figures():
    """The figures rendered, with the moment they were counted and the FAQ queue's size (for the navigation)."""
    data = DashboardData(timezone.now())
    figures = {slug.replace("-", "_"): build_figure(slug, data) for slug in FIGURES}
    html = render_to_string("dashboard/figures.html", {"figures": figures})
    return {"html": html, "now": data.now, "questions_waiting": data.questions["waiting"]}


def shared_figures():
    """The figures are the same for every facilitator: counted (nine aggregate queries over the whole programme)
    and rendered once, then kept in the shared cache under the content version. Counted afresh with the page
    cache off (tests, and the benchmark's uncached table)."""
    return content_version.cached_value("dashboard-figures", counted_figures, timeout=FIGURES_SECONDS)


@facilitator_required
def dashboard(request):
    figures = shared_figures()
    # The navigation shows the same count: counted once.
    remember_questions_waiting(request, figures["questions_waiting"])
    context = {
        "figures_html": figures["html"],
        "now": figures["now"],
        "shared_for_seconds": FIGURES_SECONDS if settings.PAGE_CACHE else None,
    }
    return render(request, "dashboard/dashboard.html", context)


@facilitator_required
def dashboard_csv(request, table):
    if table not in FIGURES:
        raise Http404("No such dashboard table.")
    figure = build_figure(table, DashboardData(timezone.now()), for_csv=True)
    rows = [figure.table_headings(), *figure.table_rows()]
    return csv_response(f"ea-portal-{table}-{timezone.localdate()}.csv", rows)
