"""Every figure on the dashboard opens a portal page a facilitator can use, and that page holds the same number
the figure shows; the Django admin is offered to staff only."""

import html as html_lib
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from learning.models import State
from partnerships.roles import facilitators_group
from resources.models import FAQ, Resource, ResourceDownload, Subscriber, SubscriberStatus
from tests.chart_data import add_examples
from tests.conftest import make_user
from tests.html import parse_tables
from tests.test_dashboard import middle_of, months_ago

pytestmark = pytest.mark.django_db

DASHBOARD_URL = reverse("dashboard:dashboard")
# A chart's table row: the linked label, then its numbers (the last is the total).
LINKED_ROW = re.compile(r'<tr>\s*<th scope="row"><a href="([^"]+)">([^<]+)</a></th>(.*?)</tr>', re.S)


@pytest.fixture
def figures(programme, partnership_a, partnership_b):
    """A little of everything the dashboard counts, spread over several months."""
    now = timezone.now()
    add_examples(
        *[{"partnership": partnership_a, "published_at": middle_of(*months_ago(ago))} for ago in (0, 0, 2, 5, 14)],
        {"partnership": partnership_b, "state": State.UNPUBLISHED, "published_at": middle_of(*months_ago(2))},
        {"partnership": partnership_b, "state": State.SUBMITTED, "submitted_at": now - timedelta(days=4)},
        {"partnership": partnership_a, "state": State.DRAFT},
    )
    toolkit = Resource.objects.create(
        title="Scrutiny toolkit", slug="scrutiny-toolkit", external_url="https://example.org/t", published=True
    )
    guide = Resource.objects.create(
        title="Funding guide", slug="funding-guide", external_url="https://example.org/g", published=True
    )
    Resource.objects.create(title="Draft notes", slug="draft-notes", external_url="https://example.org/d")
    ResourceDownload.objects.bulk_create(
        [ResourceDownload(resource=toolkit, downloaded_at=middle_of(*months_ago(ago))) for ago in (0, 1, 1, 3, 13)]
        + [ResourceDownload(resource=guide, downloaded_at=middle_of(*months_ago(ago))) for ago in (1, 3)]
    )
    for number, (status, ago) in enumerate(
        [
            (SubscriberStatus.CONFIRMED, 0),
            (SubscriberStatus.CONFIRMED, 2),
            (SubscriberStatus.UNSUBSCRIBED, 2),
            (SubscriberStatus.PENDING, None),
        ]
    ):
        Subscriber.objects.create(
            email=f"person{number}@example.org",
            status=status,
            consent_text="I agree.",
            consented_at=now,
            confirmed_at=None if ago is None else middle_of(*months_ago(ago)),
        )
    FAQ.objects.create(question="Who chairs the board?")


@pytest.fixture
def staff_facilitator(db):
    user = make_user("staff-facilitator", is_staff=True)
    user.groups.add(facilitators_group())
    return user


def links(page):
    return sorted({html_lib.unescape(href) for href in re.findall(r'href="([^"#][^"]*)"', page)})


def test_every_link_on_the_dashboard_opens_for_a_facilitator_who_is_not_staff(client_for, facilitator, figures):
    assert not facilitator.is_staff
    client = client_for(facilitator)
    page = client.get(DASHBOARD_URL).content.decode()
    hrefs = [href for href in links(page) if href.startswith("/") and not href.startswith("/static/")]
    assert len(hrefs) > 40
    assert not [href for href in hrefs if href.startswith("/admin/")]
    refused = {}
    for href in hrefs:
        status = client.get(href).status_code
        if status != 200:
            refused[href] = status
    assert refused == {}


def test_links_into_the_admin_are_for_staff_only(client_for, facilitator, staff_facilitator, figures):
    plain = client_for(facilitator).get(DASHBOARD_URL).content.decode()
    assert "/admin/" not in plain
    assert "In the Django admin" not in plain
    staff = client_for(staff_facilitator).get(DASHBOARD_URL).content.decode()
    admin_links = [href for href in links(staff) if href.startswith("/admin/")]
    assert reverse("admin:learning_learningexample_changelist") in admin_links
    assert reverse("admin:resources_subscriber_changelist") in admin_links
    # Staff who are not facilitators see no dashboard at all.
    staff_only = make_user("staff-only", is_staff=True)
    assert client_for(staff_only).get(DASHBOARD_URL).status_code == 403


def linked_rows(page, chart_id):
    """(url, label, shown number) of each row of a chart's table."""
    start = page.index(f'id="{chart_id}-caption"')
    table = page[start : page.index("</table>", start)]
    return [
        (html_lib.unescape(url), html_lib.unescape(label), int(re.findall(r">(\d+)</td>", cells)[-1]))
        for url, label, cells in LINKED_ROW.findall(table)
    ]


def count_in_caption(page):
    """The number the list's table caption starts with ("4 examples match these filters")."""
    caption = re.search(r"<caption[^>]*>\s*(\d+)", page)
    assert caption, "the list has a table with a count in its caption"
    return int(caption.group(1))


def test_the_examples_lists_behind_the_figures_hold_the_same_numbers(client_for, facilitator, figures):
    client = client_for(facilitator)
    page = client.get(DASHBOARD_URL).content.decode()
    rows = linked_rows(page, "examples-published") + linked_rows(page, "contributions")
    assert len(rows) == 12 + 17
    assert sum(number for _, _, number in rows) == 4 + 8  # published in the last twelve months; every example
    for url, label, number in rows:
        assert url.startswith(reverse("learning:all_examples")), label
        assert count_in_caption(client.get(url).content.decode()) == number, url


def test_the_downloads_list_behind_each_month_holds_the_same_number(client_for, facilitator, figures):
    client = client_for(facilitator)
    page = client.get(DASHBOARD_URL).content.decode()
    rows = linked_rows(page, "downloads")
    assert sum(number for _, _, number in rows) == 6
    for url, label, number in rows:
        assert url.startswith(reverse("resources:resource_downloads")), label
        table = parse_tables(client.get(url).content.decode())[0]
        downloads = [int(row[3]["text"]) for row in table["tbody"] if len(row) > 3]
        assert sum(downloads) == number, url


def test_the_subscribers_summary_holds_each_figure(client_for, facilitator, figures):
    client = client_for(facilitator)
    page = client.get(DASHBOARD_URL).content.decode()
    summary_url = reverse("resources:subscribers_summary")
    summary = client.get(summary_url).content.decode()
    rows = linked_rows(page, "subscribers-by-status") + linked_rows(page, "subscriber-growth")
    assert len(rows) == 3 + 12
    for url, label, number in rows:
        path, anchor = url.split("#")
        assert path == summary_url, label
        match = re.search(rf'<tr id="{anchor}">.*?<td class="text-end">(\d+)</td>', summary, re.S)
        assert (int(match.group(1)) if match else 0) == number, url


def test_the_figures_link_to_every_list_a_facilitator_works_from(client_for, facilitator, figures):
    page = client_for(facilitator).get(DASHBOARD_URL).content.decode()
    for name in [
        "learning:review_queue",
        "learning:all_examples",
        "resources:faq_queue",
        "resources:resource_downloads",
        "resources:subscribers_summary",
    ]:
        assert f'href="{reverse(name)}"' in page, name


def test_a_superuser_who_is_staff_still_sees_the_admin_links(client_for, figures):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "a-long-test-password-1")
    page = client_for(admin).get(DASHBOARD_URL).content.decode()
    assert f'href="{reverse("admin:resources_resourcedownload_changelist")}"' in page


def test_no_page_two_clicks_from_the_dashboard_or_the_navigation_refuses_a_facilitator(
    client_for, facilitator, figures
):
    """The issue's rule: no page a facilitator reaches from the portal's navigation or the dashboard returns 403
    (or 404, or an error). Every link on the dashboard and the home page's navigation, and every link on the
    pages those open, followed as a facilitator who is not staff."""
    client = client_for(facilitator)

    def portal_links(url):
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            return []
        return [
            href
            for href in links(response.content.decode())
            if href.startswith("/") and not href.startswith(("/static/", "/media/")) and "/download/" not in href
        ]

    first = set(portal_links(DASHBOARD_URL)) | set(portal_links(reverse("home")))
    seen, refused = set(), {}
    for url in sorted(first):
        for href in [url, *portal_links(url)]:
            if href in seen:
                continue
            seen.add(href)
            status = client.get(href).status_code
            if status in (403, 404) or status >= 500:
                refused[href] = status
    assert len(seen) > 100
    assert refused == {}
