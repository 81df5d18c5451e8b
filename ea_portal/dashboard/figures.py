"""The facilitators' dashboard figures. Each is one or a few aggregate queries, and each draws as a chart or
table on /dashboard/ and downloads as CSV from /dashboard/csv/<slug>/ with exactly the same rows."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from ea_portal.charts import Category, ColumnChart, HorizontalBarChart
from learning.coverage import (
    example_list_url,
    marks_without_published_examples,
    stale_cutoff,
    themes_without_published_examples,
)
from learning.models import LearningExample, State
from partnerships.models import Partnership
from resources.models import FAQ, Resource, ResourceDownload, Subscriber, SubscriberStatus

MONTHS_SHOWN = 12
TOP_RESOURCES = 10


# Months ----------------------------------------------------------------------------------------------------


def last_months(today, count=MONTHS_SHOWN):
    """The first days of the `count` months up to and including today's, oldest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def next_month(first_day):
    return date(first_day.year + first_day.month // 12, first_day.month % 12 + 1, 1)


def start_of(day):
    """Midnight at the start of a day in the portal's time zone (Europe/London), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def count_per_month(queryset, field_name, months):
    """{first day of month: count} of the rows whose `field_name` falls in each of `months`, grouped by the
    database (TruncMonth in the portal's time zone, so a row at 00:30 BST on 1 April counts in April)."""
    rows = (
        queryset.filter(
            **{f"{field_name}__gte": start_of(months[0]), f"{field_name}__lt": start_of(next_month(months[-1]))}
        )
        .annotate(month=TruncMonth(field_name))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {timezone.localtime(row["month"]).date(): row["count"] for row in rows}
    return {month: counts.get(month, 0) for month in months}


def month_label(month):
    return month.strftime("%b %Y")


def admin_month_url(changelist, field_name, month, **params):
    """An admin change list narrowed to one month (the admin's date lookups use the portal's time zone too)."""
    params |= {f"{field_name}__year": month.year, f"{field_name}__month": month.month}
    return f"{reverse(changelist)}?{urlencode(params)}"


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


def at_a_glance(now):
    # 1 the review queue and stale examples, in one pass over the examples.
    examples = LearningExample.objects.aggregate(
        queue=Count("pk", filter=Q(state=State.SUBMITTED)),
        oldest_submitted=Min("submitted_at", filter=Q(state=State.SUBMITTED)),
        stale=Count("pk", filter=Q(state=State.PUBLISHED, updated__lt=stale_cutoff(now))),
    )
    # 2 the visitors' questions waiting for an answer.
    questions = FAQ.objects.queue().aggregate(waiting=Count("pk"), oldest=Min("created"))
    coverage = reverse("dashboard:coverage")
    rows = [
        Glance(
            "Examples waiting for review",
            examples["queue"],
            reverse("learning:review_queue"),
            days_since(examples["oldest_submitted"], now),
        ),
        Glance(
            "Unanswered FAQ questions",
            questions["waiting"],
            reverse("resources:faq_queue"),
            days_since(questions["oldest"], now),
        ),
        # 3 and 4: the gaps, counted.
        Glance(
            "Themes with no published example",
            themes_without_published_examples().count(),
            f"{coverage}#themes-without-examples",
        ),
        Glance(
            "Matrix marks with no published example from that partnership",
            marks_without_published_examples().count(),
            f"{coverage}#marks-without-examples",
        ),
        Glance("Published examples not updated for more than a year", examples["stale"], f"{coverage}#stale-examples"),
    ]
    return GlanceTable("at-a-glance", "At a glance", rows)


# Learning examples ------------------------------------------------------------------------------------------


def examples_published_per_month(now):
    counts = count_per_month(LearningExample.objects.published(), "published_at", last_months(timezone.localdate(now)))
    return monthly_chart(
        "examples-published",
        "Learning examples published per month",
        "the learning examples first published",
        counts,
        lambda month: admin_month_url(
            "admin:learning_learningexample_changelist", "published_at", month, state=State.PUBLISHED
        ),
        "Examples published",
    )


CONTRIBUTION_SERIES = [
    ("Published", Q(learning_examples__state=State.PUBLISHED)),
    ("Waiting for review", Q(learning_examples__state=State.SUBMITTED)),
    ("Draft or returned", Q(learning_examples__state__in=[State.DRAFT, State.RETURNED])),
    ("Unpublished", Q(learning_examples__state=State.UNPUBLISHED)),
]


def contributions_per_partnership(now):
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
            example_list_url(partnership=partnership.slug),
        )
        for partnership in partnerships
    ]
    total = sum(category.total for category in categories)
    silent = sum(1 for category in categories if not category.total)
    description = (
        f"Stacked bar chart of the {total} learning examples each partnership has contributed, divided by where "
        f"they are in review. {silent} of the {len(categories)} partnerships have contributed none yet."
    )
    return HorizontalBarChart(
        chart_id="contributions",
        title="Learning examples contributed by each partnership",
        description=description,
        series=[label for label, _ in CONTRIBUTION_SERIES],
        categories=categories,
        value_label="Examples",
        category_heading="Partnership",
    )


# Resources --------------------------------------------------------------------------------------------------


def top_resources(now):
    resources = (
        Resource.objects.annotate(downloads_counted=Count("downloads"))
        .filter(downloads_counted__gt=0)
        .order_by("-downloads_counted", "title")[:TOP_RESOURCES]
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


def downloads_per_month(now):
    counts = count_per_month(ResourceDownload.objects.all(), "downloaded_at", last_months(timezone.localdate(now)))
    return monthly_chart(
        "downloads",
        "Resource downloads per month",
        "resource downloads",
        counts,
        lambda month: admin_month_url("admin:resources_resourcedownload_changelist", "downloaded_at", month),
        "Downloads",
    )


# Newsletter -------------------------------------------------------------------------------------------------


def subscribers_by_status(now):
    counts = dict(Subscriber.objects.values_list("status").annotate(count=Count("pk")).order_by())
    changelist = reverse("admin:resources_subscriber_changelist")
    categories = [
        Category(label, [counts.get(status, 0)], f"{changelist}?{urlencode({'status': status})}")
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


def subscriber_growth(now):
    counts = count_per_month(Subscriber.objects.all(), "confirmed_at", last_months(timezone.localdate(now)))
    return monthly_chart(
        "subscriber-growth",
        "New confirmed newsletter subscribers per month",
        "newsletter sign-ups confirmed",
        counts,
        lambda month: admin_month_url("admin:resources_subscriber_changelist", "confirmed_at", month),
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


def build_figure(slug, now):
    figure = FIGURES[slug](now)
    figure.csv_url = reverse("dashboard:csv", args=[slug])
    return figure
