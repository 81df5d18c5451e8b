"""The facilitators' dashboard: who reaches it, each figure against numbers counted here from the data the test
creates, the CSV download of every table, and a query count that stays fixed as the data grows."""

import calendar
import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ea_portal.dashboard.figures import FIGURES, count_per_month
from learning.history import save_revision, snapshot
from learning.models import ExampleRevision, LearningExample, RevisionState, Stage, State
from partnerships.models import Partnership
from resources.models import FAQ, FAQStatus, Resource, ResourceDownload, Subscriber, SubscriberStatus
from tests.chart_data import (
    add_examples,
    bar_chart_numbers,
    chart_svg,
    chart_table,
    column_chart_numbers,
    same_label,
    svg_title,
)
from tests.html import parse_tables

DASHBOARD_URL = reverse("dashboard:dashboard")
CSV_URLS = [reverse("dashboard:csv", args=[slug]) for slug in FIGURES]


def months_ago(count):
    """(year, month) `count` months before the current month in the portal's time zone, counted here."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - count
    return index // 12, index % 12 + 1


def middle_of(year, month):
    """An aware moment well inside a month, or now for the current month (never in the future)."""
    if (year, month) == months_ago(0):
        return timezone.now()
    return timezone.make_aware(datetime(year, month, 15, 12))


def month_label(year, month):
    return f"{calendar.month_abbr[month]} {year}"


def last_twelve_labels():
    return [month_label(*months_ago(count)) for count in range(11, -1, -1)]


def dashboard_html(client_for, facilitator):
    response = client_for(facilitator).get(DASHBOARD_URL)
    assert response.status_code == 200
    return response.getvalue().decode()


# Who may see it ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [DASHBOARD_URL, *CSV_URLS])
@pytest.mark.parametrize(("who", "status"), [("facilitator", 200), ("lead_a", 403), ("lead_b", 403), (None, 302)])
def test_only_facilitators_reach_the_dashboard_and_its_downloads(request, client_for, programme, url, who, status):
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).get(url)
    assert response.status_code == status
    if who is None:
        assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.django_db
def test_unknown_table_is_not_found(client_for, facilitator):
    assert client_for(facilitator).get(reverse("dashboard:csv", args=["no-such-table"])).status_code == 404


@pytest.mark.django_db
def test_dashboard_is_in_the_navigation_of_facilitators_only(client_for, facilitator, lead_a):
    home = reverse("home")
    link = f'href="{DASHBOARD_URL}"'
    assert link in client_for(facilitator).get(home).content.decode()
    assert link not in client_for(lead_a).get(home).content.decode()
    assert link not in client_for(None).get(home).content.decode()


# At a glance --------------------------------------------------------------------------------------------------


def glance_rows(html):
    table = next(table for table in parse_tables(html) if table["thead"][0][0]["text"] == "Figure")
    return {row[0]["text"]: (row[1]["text"], row[2]["text"]) for row in table["tbody"]}


@pytest.mark.django_db
def test_review_queue_size_and_oldest_item_age(client_for, facilitator, partnership_a):
    now = timezone.now()
    add_examples(
        {"partnership": partnership_a, "state": State.SUBMITTED, "submitted_at": now - timedelta(days=9, hours=2)},
        {"partnership": partnership_a, "state": State.SUBMITTED, "submitted_at": now - timedelta(days=2)},
        {"partnership": partnership_a, "state": State.DRAFT},
        {"partnership": partnership_a, "state": State.PUBLISHED, "published_at": now},
    )
    FAQ.objects.create(question="Who chairs the board?")
    asked_long_ago = FAQ.objects.create(question="How is scrutiny funded?")
    FAQ.objects.filter(pk=asked_long_ago.pk).update(created=now - timedelta(days=30, hours=1))
    FAQ.objects.create(question="Answered", answer="Yes.", status=FAQStatus.DRAFT)
    html = dashboard_html(client_for, facilitator)
    rows = glance_rows(html)
    assert rows["Examples waiting for review"] == ("2", "9")
    assert rows["Unanswered FAQ questions"] == ("2", "30")
    assert f'href="{reverse("learning:review_queue")}"' in html
    assert f'href="{reverse("resources:faq_queue")}"' in html


@pytest.mark.django_db
def test_revisions_waiting_for_review_are_counted_and_open_the_review_queue(
    client_for, facilitator, lead_a, partnership_a
):
    """A proposed change to a published example waits in the review queue like a new example does."""
    now = timezone.now()
    published = add_examples(*[{"partnership": partnership_a, "published_at": now} for _ in range(3)])
    for example, (state, days) in zip(
        published, [(RevisionState.SUBMITTED, 5), (RevisionState.SUBMITTED, 1), (RevisionState.DRAFT, 20)], strict=True
    ):
        revision = save_revision(example, snapshot(example), lead_a, expected_version=0)
        ExampleRevision.objects.filter(pk=revision.pk).update(state=state, submitted_at=now - timedelta(days=days))
    html = dashboard_html(client_for, facilitator)
    assert glance_rows(html)["Proposed revisions waiting for review"] == ("2", "5")
    queue = f"{reverse('learning:review_queue')}#revisions-heading"
    assert f'href="{queue}"' in html
    assert "Proposed revisions of published examples" in client_for(facilitator).get(queue).content.decode()


@pytest.mark.django_db
def test_gaps_are_counted_and_link_to_the_coverage_page(client_for, facilitator, partnership_a):
    long_ago = timezone.now() - timedelta(days=400)
    add_examples(
        {"partnership": partnership_a, "themes": ["learning-reviews"], "published_at": long_ago, "updated": long_ago},
        {"partnership": partnership_a, "themes": ["practice-challenges"], "state": State.DRAFT, "updated": long_ago},
    )
    html = dashboard_html(client_for, facilitator)
    rows = glance_rows(html)
    assert rows["Themes with no published example"] == ("10", "")
    assert rows["Matrix marks with no published example from that partnership"] == ("35", "")
    assert rows["Published examples not updated for more than a year"] == ("1", "")
    assert f'href="{reverse("dashboard:coverage")}#stale-examples"' in html


# The charts ---------------------------------------------------------------------------------------------------


def assert_column_chart(html, chart_id, title, expected):
    """The chart's columns and table both equal `expected`: {month label: number} for the last twelve months."""
    svg = chart_svg(html, chart_id)
    assert svg_title(svg) == title
    assert column_chart_numbers(svg) == list(expected.items())
    headings, rows = chart_table(html, title)
    assert rows == {label: [n] for label, n in expected.items()}
    return headings


@pytest.mark.django_db
def test_examples_published_per_month(client_for, facilitator, partnership_a, partnership_b):
    published = {0: 2, 1: 1, 5: 3, 11: 1, 12: 4, 30: 1}  # months ago: how many
    specs = [
        {"partnership": partnership_a, "published_at": middle_of(*months_ago(ago))}
        for ago, n in published.items()
        for _ in range(n)
    ]
    # Published, then unpublished: no longer a published example, so not counted.
    specs.append({"partnership": partnership_b, "state": State.UNPUBLISHED, "published_at": middle_of(*months_ago(1))})
    add_examples(*specs)
    expected = {month_label(*months_ago(ago)): published.get(ago, 0) for ago in range(11, -1, -1)}
    assert sum(expected.values()) == 7
    html = dashboard_html(client_for, facilitator)
    title = "Learning examples published per month"
    assert assert_column_chart(html, "examples-published", title, expected) == ["Month", "Examples published"]
    year, month = months_ago(5)
    query = f"state=published&amp;published={year}-{month:02}"
    assert f'href="{reverse("learning:all_examples")}?{query}"' in html


@pytest.mark.django_db
def test_months_are_those_of_the_portals_time_zone(partnership_a):
    """TruncMonth runs in the database in Europe/London: 00:30 BST on 1 April is April, not March."""
    add_examples(
        {"published_at": datetime(2024, 3, 31, 23, 30, tzinfo=UTC)},  # 00:30 on 1 April, London
        {"published_at": datetime(2024, 3, 1, 0, 30, tzinfo=UTC)},  # 00:30 on 1 March, London (GMT)
        {"published_at": datetime(2024, 2, 29, 23, 59, tzinfo=UTC)},  # still February in London
        {"published_at": datetime(2024, 4, 30, 23, 30, tzinfo=UTC)},  # 00:30 on 1 May, London
    )
    counts = count_per_month(LearningExample.objects.published(), "published_at", [date(2024, 3, 1), date(2024, 4, 1)])
    assert counts == {date(2024, 3, 1): 1, date(2024, 4, 1): 1}


@pytest.mark.django_db
def test_contributions_per_partnership(client_for, facilitator, partnership_a, partnership_b):
    now = timezone.now()
    states = {
        partnership_a: [State.PUBLISHED, State.PUBLISHED, State.SUBMITTED, State.DRAFT, State.RETURNED],
        partnership_b: [State.PUBLISHED, State.UNPUBLISHED],
    }
    add_examples(
        *[
            {"partnership": partnership, "state": state, "published_at": now if state == State.PUBLISHED else None}
            for partnership, chosen in states.items()
            for state in chosen
        ],
        {"partnership": None, "state": State.PUBLISHED, "published_at": now},  # NCB's own: not a partnership's
    )
    series = ["Published", "Waiting for review", "Draft or returned", "Unpublished"]
    groups = [[State.PUBLISHED], [State.SUBMITTED], [State.DRAFT, State.RETURNED], [State.UNPUBLISHED]]
    expected = {
        partnership.name: [sum(state in group for state in states.get(partnership, [])) for group in groups]
        for partnership in Partnership.objects.order_by("deck_order")
    }
    assert expected[partnership_a.name] == [2, 1, 2, 0]
    html = dashboard_html(client_for, facilitator)
    title = "Learning examples contributed by each partnership"
    svg = chart_svg(html, "contributions")
    assert svg_title(svg) == title
    bars = bar_chart_numbers(svg, stacked=True)
    assert len(bars) == 17
    for (shown, segments, total), (name, values) in zip(bars, expected.items(), strict=True):
        assert same_label(shown, name)
        assert segments == {label: n for label, n in zip(series, values, strict=True) if n}
        assert total == sum(values)
    headings, rows = chart_table(html, title)
    assert headings == ["Partnership", *series, "Total"]
    assert rows == {name: [*values, sum(values)] for name, values in expected.items()}
    assert f'href="{reverse("learning:all_examples")}?partnership={partnership_a.slug}"' in html


def make_resource(title):
    return Resource.objects.create(
        title=title,
        slug=re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
        external_url="https://example.org/r",
        published=True,
    )


def add_downloads(resource, moments):
    ResourceDownload.objects.bulk_create(ResourceDownload(resource=resource, downloaded_at=m) for m in moments)


@pytest.mark.django_db
def test_top_resources_and_downloads_per_month(client_for, facilitator):
    downloads = {
        # title: {months ago: downloads}
        "Scrutiny toolkit": {0: 3, 2: 4, 14: 5},
        "Terms of reference <template> & notes": {1: 2},
        "Funding guide": {0: 1},
    }
    make_resource("Never downloaded")
    for title, per_month in downloads.items():
        resource = make_resource(title)
        add_downloads(resource, [middle_of(*months_ago(ago)) for ago, n in per_month.items() for _ in range(n)])
    html = dashboard_html(client_for, facilitator)

    top_title = "The 10 most downloaded resources"
    svg = chart_svg(html, "top-resources")  # well-formed although a title has < and &
    expected_top = sorted(((sum(m.values()), title) for title, m in downloads.items()), key=lambda item: -item[0])
    assert [(label, total) for label, _, total in bar_chart_numbers(svg, stacked=False)] == [
        (title, total) for total, title in expected_top
    ]
    _, rows = chart_table(html, top_title)
    assert rows == {title: [total] for total, title in expected_top}
    assert "Never downloaded" not in rows

    per_month = dict.fromkeys(last_twelve_labels(), 0)
    for months in downloads.values():
        for ago, n in months.items():
            if ago < 12:
                per_month[month_label(*months_ago(ago))] += n
    assert sum(per_month.values()) == 10
    assert assert_column_chart(html, "downloads", "Resource downloads per month", per_month) == ["Month", "Downloads"]


@pytest.mark.django_db
def test_newsletter_subscribers_by_status_and_growth(client_for, facilitator):
    people = [
        # (status, confirmed months ago or None)
        (SubscriberStatus.PENDING, None),
        (SubscriberStatus.PENDING, None),
        (SubscriberStatus.CONFIRMED, 0),
        (SubscriberStatus.CONFIRMED, 0),
        (SubscriberStatus.CONFIRMED, 3),
        (SubscriberStatus.UNSUBSCRIBED, 3),  # confirmed then, unsubscribed since: still a sign-up confirmed then
        (SubscriberStatus.CONFIRMED, 20),
    ]
    for number, (status, ago) in enumerate(people):
        Subscriber.objects.create(
            email=f"person{number}@example.org",
            status=status,
            consent_text="I agree.",
            consented_at=timezone.now(),
            confirmed_at=None if ago is None else middle_of(*months_ago(ago)),
        )
    html = dashboard_html(client_for, facilitator)
    svg = chart_svg(html, "subscribers-by-status")
    labels = dict(SubscriberStatus.choices)
    expected = {labels[status]: sum(1 for s, _ in people if s == status) for status in SubscriberStatus}
    assert expected == {"Waiting for confirmation": 2, "Confirmed": 4, "Unsubscribed": 1}
    assert {label: total for label, _, total in bar_chart_numbers(svg, stacked=False)} == expected
    _, rows = chart_table(html, "Newsletter subscribers by status")
    assert rows == {label: [n] for label, n in expected.items()}
    assert f'href="{reverse("resources:subscribers_summary")}#status-confirmed"' in html

    growth = dict.fromkeys(last_twelve_labels(), 0)
    for _, ago in people:
        if ago is not None and ago < 12:
            growth[month_label(*months_ago(ago))] += 1
    assert assert_column_chart(html, "subscriber-growth", "New confirmed newsletter subscribers per month", growth)


# CSV downloads ------------------------------------------------------------------------------------------------


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


@pytest.mark.django_db
@pytest.mark.parametrize("slug", list(FIGURES))
def test_each_table_downloads_as_csv_with_the_same_figures(client_for, facilitator, partnership_a, slug):
    add_examples(
        {"partnership": partnership_a, "published_at": middle_of(*months_ago(2))},
        {"partnership": partnership_a, "state": State.SUBMITTED, "submitted_at": timezone.now() - timedelta(days=3)},
    )
    add_downloads(make_resource("Scrutiny toolkit"), [timezone.now()] * 3)
    client = client_for(facilitator)
    html = client.get(DASHBOARD_URL).content.decode()
    csv_url = reverse("dashboard:csv", args=[slug])
    assert f'href="{csv_url}"' in html
    header, *rows = read_csv(client.get(csv_url))
    table = next(table for table in parse_tables(html) if [c["text"] for c in table["thead"][0]] == header)
    assert rows == [[cell["text"] for cell in row] for row in table["tbody"]]
    assert rows, "every table has rows to download"


@pytest.mark.django_db
def test_csv_neutralises_spreadsheet_formulas(client_for, facilitator):
    add_downloads(make_resource('=HYPERLINK("http://evil.example")'), [timezone.now()])
    _, row = read_csv(client_for(facilitator).get(reverse("dashboard:csv", args=["top-resources"])))
    assert row == ['\'=HYPERLINK("http://evil.example")', "1"]


# Fixed query count --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_the_data(
    client_for, programme, facilitator, django_assert_num_queries
):
    client = client_for(facilitator)
    partnerships = list(Partnership.objects.all())
    resource = make_resource("Scrutiny toolkit")
    for total in (10, 5000):
        have = LearningExample.objects.count()
        add_examples(
            *[
                {
                    "partnership": partnerships[n % len(partnerships)],
                    "themes": ["independent-scrutiny"],
                    "stage": list(Stage)[n % 4],
                    "state": [State.PUBLISHED, State.SUBMITTED, State.DRAFT][n % 3],
                    "published_at": middle_of(*months_ago(n % 12)) if n % 3 == 0 else None,
                    "submitted_at": timezone.now() if n % 3 == 1 else None,
                }
                for n in range(have, total)
            ]
        )
        add_downloads(resource, [middle_of(*months_ago(n % 12)) for n in range(total // 10)])
        # 1 the session, 2 the user, 3 whether they are a facilitator (cached for the request after that);
        # 4 the examples: review queue, oldest, stale and published per month, grouped by month, in one query;
        # 5 the proposed revisions waiting for review; 6 the FAQ queue (which the navigation's count reuses);
        # 7 the themes and matrix marks with no published example; 8 contributions per partnership by state;
        # 9 the top resources; 10 downloads per month; 11 subscribers by status and by month confirmed.
        with django_assert_num_queries(11):
            response = client.get(DASHBOARD_URL)
        assert LearningExample.objects.count() == total
        rows = glance_rows(response.getvalue().decode())
        assert rows["Examples waiting for review"][0] == str(sum(1 for n in range(total) if n % 3 == 1))


# National scale ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_at_150_partnerships_the_page_shows_the_20_that_contributed_most_and_the_csv_all(
    client_for, programme, facilitator
):
    Partnership.objects.bulk_create(
        Partnership(name=f"Partnership number {n}", slug=f"partnership-{n}", region="london", deck_order=100 + n)
        for n in range(150 - Partnership.objects.count())
    )
    partnerships = list(Partnership.objects.order_by("deck_order", "name"))
    # Partnership k (from the 131st on) contributes k - 129 drafts: the last twenty contributed most.
    add_examples(
        *[{"partnership": p, "state": State.DRAFT} for k, p in enumerate(partnerships) for _ in range(max(0, k - 129))]
    )
    client = client_for(facilitator)
    response = client.get(DASHBOARD_URL)
    html = response.getvalue().decode()
    assert len(response.content) < 200_000
    title = "Learning examples contributed by the 20 partnerships that have contributed most"
    _, rows = chart_table(html, title)
    assert list(rows) == [p.name for p in reversed(partnerships[-20:])]
    assert "the CSV download lists them all" in html
    _, *csv_rows = read_csv(client.get(reverse("dashboard:csv", args=["contributions"])))
    assert len(csv_rows) == 150
    assert [row[0] for row in csv_rows] == [p.name for p in partnerships]
