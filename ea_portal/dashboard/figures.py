"""The facilitators' dashboard figures. Each draws as a chart or table on /dashboard/ and downloads as CSV from
/dashboard/csv/<slug>/ with exactly the same rows, and each links to the portal's own list behind it.

The figures are read in one aggregate query per source (DashboardData): the examples' queue, staleness and
publications per month in one pass (a filtered COUNT per month, not a query per month), the subscribers'
statuses and confirmations per month in another, both gap counts in a third.
The page makes the same number of queries however much content there is."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from ea_portal.charts import Category, ColumnChart, HorizontalBarChart
from ea_portal.months import month_bounds, month_param
from learning.coverage import published_example_of_theme, stale_cutoff
from learning.models import ExampleRevision, LearningExample, RevisionState, State
from partnerships.models import Partnership, Theme
from resources.models import FAQ, Resource, ResourceDownload, Subscriber, SubscriberStatus

MONTHS_SHOWN = 12
TOP_RESOURCES = 10
# At national scale (150 partnerships) a bar and a table row for each would make the page too heavy to use: the
# page shows this many, the CSV download all of them.
PARTNERSHIPS_SHOWN = 20


# Months ----------------------------------------------------------------------------------------------------


def last_months(today, count=MONTHS_SHOWN):
    """The first days of the `count` months up to and including today's, oldest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def month_counts(field_name, months, condition=None):
    """Aggregates counting the rows whose `field_name` falls in each of `months` (and that meet `condition`), one
    filtered COUNT per month in a single pass over the rows. The months' bounds are computed here, in the portal's
    time zone (Europe/London), so a row at 00:30 BST on 1 April counts in April; the database converts nothing
    row by row, where grouping by TruncMonth would."""
    counts = {}
    for index, month in enumerate(months):
        start, end = month_bounds(month)
        in_month = Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
        counts[f"month_{index}"] = Count("pk", filter=in_month if condition is None else condition & in_month)
    return counts


def per_month(aggregates, months):
    """{first day of month: count} from the aggregates month_counts named."""
    return {month: aggregates[f"month_{index}"] for index, month in enumerate(months)}


def count_per_month(queryset, field_name, months):
    """{first day of month: count} of the rows whose `field_name` falls in each of `months`, in one query."""
    start, end = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    window = queryset.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
    return per_month(window.aggregate(**month_counts(field_name, months)), months)


def month_label(month):
    return month.strftime("%b %Y")


def portal_url(url_name, anchor="", **params):
    query = f"?{urlencode(params)}" if params else ""
    return f"{reverse(url_name)}{query}{'#' + anchor if anchor else ''}"


def monthly_chart(chart_id, title, what, counts, url_for_month, value_label):
    categories = [Category(month_label(month), [n], url_for_month(month)) for month, n in counts.items()]
    total = sum(counts.values())
    first, last = month_label(next(iter(counts))), month_label(list(counts)[-1])
    busiest = max(categories, key=lambda category: category.total)
    description = f"Column chart of {what} in each month from {first} to {last}: {total} in all."
    if busiest.total:
        description += f" The most was {busiest.total}, in {busiest.label}."
    return ColumnChart(
        chart_id=chart_id, title=title, description=description, categories=categories, value_label=value_label
    )


# At a glance ------------------------------------------------------------------------------------------------


@dataclass
class Glance:
    label: str
    number: int
    url: str
    oldest_days: int | None = None


@dataclass
class GlanceTable:
    """Key figures with the list behind each; the same shape as a chart's table for the CSV download."""

    chart_id: str
    title: str
    rows: list = field(default_factory=list)
    csv_url: str = ""

    def table_headings(self):
        return ["Figure", "Number", "Oldest waiting (days)"]

    def table_rows(self):
        return [[row.label, row.number, "" if row.oldest_days is None else row.oldest_days] for row in self.rows]


def days_since(moment, now):
    return None if moment is None else (now - moment) // timedelta(days=1)


class DashboardData:
    """The dashboard's numbers, each source read once, by the first figure that needs it."""

    def __init__(self, now):
        self.now = now
        self.months = last_months(timezone.localdate(now))

    @cached_property
    def examples(self):
        """The review queue, its oldest item, the stale published examples and the examples published each month,
        in one pass over the examples."""
        published = Q(state=State.PUBLISHED)
        submitted = Q(state=State.SUBMITTED)
        aggregates = LearningExample.objects.aggregate(
            queue=Count("pk", filter=submitted),
            oldest_submitted=Min("submitted_at", filter=submitted),
            stale=Count("pk", filter=published & Q(updated__lt=stale_cutoff(self.now))),
            **month_counts("published_at", self.months, published),
        )
        return aggregates | {"per_month": per_month(aggregates, self.months)}

    @cached_property
    def revisions(self):
        """Proposed revisions of published examples submitted for review: they wait in the same review queue."""
        submitted = Q(state=RevisionState.SUBMITTED)
        return ExampleRevision.objects.aggregate(
            waiting=Count("pk", filter=submitted), oldest=Min("submitted_at", filter=submitted)
        )

    @cached_property
    def questions(self):
        return FAQ.objects.queue().aggregate(waiting=Count("pk"), oldest=Min("created"))

    @cached_property
    def gaps(self):
        """The themes with no published example, and the matrix marks (a partnership developing an approach) with
        none from that partnership on that theme, counted in one query over the themes and their marks."""
        theme_examples = published_example_of_theme(OuterRef("pk"))
        mark_examples = theme_examples.filter(partnership=OuterRef("approaches__partnership"))
        return Theme.objects.aggregate(
            themes=Count("pk", distinct=True, filter=~Exists(theme_examples)),
            marks=Count("approaches", filter=~Exists(mark_examples)),
        )

    @cached_property
    def subscribers(self):
        """Sign-ups by status, and confirmations per month, in one pass over the subscribers."""
        aggregates = Subscriber.objects.aggregate(
            **{f"status_{status}": Count("pk", filter=Q(status=status)) for status in SubscriberStatus},
            **month_counts("confirmed_at", self.months),
        )
        return {
            "by_status": {status: aggregates[f"status_{status}"] for status in SubscriberStatus},
            "per_month": per_month(aggregates, self.months),
        }


def at_a_glance(data):
    examples, revisions, questions, gaps = data.examples, data.revisions, data.questions, data.gaps
    coverage = reverse("dashboard:coverage")
    rows = [
        Glance(
            "Examples waiting for review",
            examples["queue"],
            reverse("learning:review_queue"),
            days_since(examples["oldest_submitted"], data.now),
        ),
        Glance(
            "Proposed revisions waiting for review",
            revisions["waiting"],
            f"{reverse('learning:review_queue')}#revisions-heading",
            days_since(revisions["oldest"], data.now),
        ),
        Glance(
            "Unanswered FAQ questions",
            questions["waiting"],
            reverse("resources:faq_queue"),
            days_since(questions["oldest"], data.now),
        ),
        Glance("Themes with no published example", gaps["themes"], f"{coverage}#themes-without-examples"),
        Glance(
            "Matrix marks with no published example from that partnership",
            gaps["marks"],
            f"{coverage}#marks-without-examples",
        ),
        Glance("Published examples not updated for more than a year", examples["stale"], f"{coverage}#stale-examples"),
    ]
    return GlanceTable("at-a-glance", "At a glance", rows)


# Learning examples ------------------------------------------------------------------------------------------


def examples_published_per_month(data):
    return monthly_chart(
        "examples-published",
        "Learning examples published per month",
        "the learning examples first published",
        data.examples["per_month"],
        lambda month: portal_url("learning:all_examples", state=State.PUBLISHED, published=month_param(month)),
        "Examples published",
    )


CONTRIBUTION_SERIES = [
    ("Published", Q(learning_examples__state=State.PUBLISHED)),
    ("Waiting for review", Q(learning_examples__state=State.SUBMITTED)),
    ("Draft or returned", Q(learning_examples__state__in=[State.DRAFT, State.RETURNED])),
    ("Unpublished", Q(learning_examples__state=State.UNPUBLISHED)),
]


def contributions_per_partnership(data, shown=PARTNERSHIPS_SHOWN):
    """Each partnership's examples by state; on the page (`shown`) only the partnerships that contributed most
    when there are more than that, in full in the CSV (shown=None)."""
    partnerships = Partnership.objects.annotate(
        **{
            f"contribution_{index}": Count("learning_examples", filter=q)
            for index, (_, q) in enumerate(CONTRIBUTION_SERIES)
        }
    ).order_by("deck_order", "name")
    categories = [
        Category(
            partnership.name,
            [getattr(partnership, f"contribution_{index}") for index in range(len(CONTRIBUTION_SERIES))],
            portal_url("learning:all_examples", partnership=partnership.slug),
        )
        for partnership in partnerships
    ]
    total = sum(category.total for category in categories)
    silent = sum(1 for category in categories if not category.total)
    description = (
        f"Stacked bar chart of the {total} learning examples each partnership has contributed, divided by where "
        f"they are in review. {silent} of the {len(categories)} partnerships have contributed none yet."
    )
    title = "Learning examples contributed by each partnership"
    if shown is not None and len(categories) > shown:
        # sorted() keeps the deck's order among partnerships with as many examples.
        categories = sorted(categories, key=lambda category: -category.total)[:shown]
        title = f"Learning examples contributed by the {shown} partnerships that have contributed most"
        description += f" The chart shows the {shown} that have contributed most; the CSV download lists them all."
    return HorizontalBarChart(
        chart_id="contributions",
        title=title,
        description=description,
        series=[label for label, _ in CONTRIBUTION_SERIES],
        categories=categories,
        value_label="Examples",
        category_heading="Partnership",
    )


# Resources --------------------------------------------------------------------------------------------------


def top_resources(data):
    # The downloads are counted by resource alone first (an index-only grouping), and only the ten found are
    # joined to their resources: joining every download to its resource first costs three times as much.
    most = (
        ResourceDownload.objects.values("resource_id")
        .annotate(downloads_counted=Count("pk"))
        .order_by("-downloads_counted", "resource_id")[:TOP_RESOURCES]
    )
    resources = (
        Resource.objects.filter(pk__in=most.values("resource_id"))
        .annotate(downloads_counted=Count("downloads"))
        .order_by("-downloads_counted", "title")
    )
    categories = [
        Category(resource.title, [resource.downloads_counted], resource.get_absolute_url()) for resource in resources
    ]
    description = f"Bar chart of the {len(categories)} most downloaded resources and how often each was downloaded."
    if categories:
        description += f" The most downloaded is {categories[0].label}, with {categories[0].total}."
    return HorizontalBarChart(
        chart_id="top-resources",
        title=f"The {TOP_RESOURCES} most downloaded resources",
        description=description,
        series=["Downloads"],
        categories=categories,
        value_label="Downloads",
        category_heading="Resource",
    )


def downloads_per_month(data):
    counts = count_per_month(ResourceDownload.objects.all(), "downloaded_at", data.months)
    return monthly_chart(
        "downloads",
        "Resource downloads per month",
        "resource downloads",
        counts,
        lambda month: portal_url("resources:resource_downloads", month=month_param(month), sort="downloads"),
        "Downloads",
    )


# Newsletter -------------------------------------------------------------------------------------------------


def subscribers_by_status(data):
    counts = data.subscribers["by_status"]
    categories = [
        Category(label, [counts.get(status, 0)], portal_url("resources:subscribers_summary", f"status-{status}"))
        for status, label in SubscriberStatus.choices
    ]
    description = "Bar chart of newsletter sign-ups by status: " + ", ".join(
        f"{category.label} {category.total}" for category in categories
    )
    return HorizontalBarChart(
        chart_id="subscribers-by-status",
        title="Newsletter subscribers by status",
        description=description + ".",
        series=["Subscribers"],
        categories=categories,
        value_label="Subscribers",
        category_heading="Status",
    )


def subscriber_growth(data):
    return monthly_chart(
        "subscriber-growth",
        "New confirmed newsletter subscribers per month",
        "newsletter sign-ups confirmed",
        data.subscribers["per_month"],
        lambda month: portal_url("resources:subscribers_summary", f"month-{month_param(month)}"),
        "Sign-ups confirmed",
    )


# Every table on the dashboard, by the slug of its CSV download, in the order the page shows them.
FIGURES = {
    "at-a-glance": at_a_glance,
    "examples-published": examples_published_per_month,
    "contributions": contributions_per_partnership,
    "top-resources": top_resources,
    "downloads": downloads_per_month,
    "subscribers-by-status": subscribers_by_status,
    "subscriber-growth": subscriber_growth,
}


def build_figure(slug, data, *, for_csv=False):
    figure = contributions_per_partnership(data, shown=None) if for_csv and slug == "contributions" else None
    figure = figure or FIGURES[slug](data)
    figure.csv_url = reverse("dashboard:csv", args=[slug])
    return figure
