"""The facilitators' lists behind the dashboard: every learning example in every state, every resource with its
downloads, and the newsletter's subscribers counted. Facilitators only; query counts fixed as the data grows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.models import LearningExample, State
from partnerships.models import Theme
from resources.models import Resource, ResourceDownload, Subscriber, SubscriberStatus
from tests.chart_data import add_examples
from tests.html import parse_tables, visible_text
from tests.test_dashboard import middle_of, months_ago

pytestmark = pytest.mark.django_db

EXAMPLES_URL = reverse("learning:all_examples")
DOWNLOADS_URL = reverse("resources:resource_downloads")
SUBSCRIBERS_URL = reverse("resources:subscribers_summary")


@pytest.mark.parametrize("url", [EXAMPLES_URL, DOWNLOADS_URL, SUBSCRIBERS_URL])
@pytest.mark.parametrize(("who", "status"), [("facilitator", 200), ("lead_a", 403), ("lead_b", 403), (None, 302)])
def test_only_facilitators_see_these_lists(request, client_for, programme, url, who, status):
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).get(url)
    assert response.status_code == status
    if who is None:
        assert response["Location"].startswith(f"{reverse('login')}?next=")


def titles_of(client, **params):
    table = parse_tables(client.get(EXAMPLES_URL, params).content.decode())[0]
    return sorted(row[0]["text"] for row in table["tbody"] if len(row) > 1)


def test_every_state_is_listed_and_filters_narrow_it(client_for, facilitator, partnership_a, partnership_b):
    now = timezone.now()
    add_examples(
        {"title": "Published here", "partnership": partnership_a, "published_at": middle_of(*months_ago(2))},
        {"title": "Published now", "partnership": partnership_b, "published_at": now, "themes": ["learning-reviews"]},
        {"title": "Waiting", "partnership": partnership_a, "state": State.SUBMITTED, "submitted_at": now},
        {"title": "A draft", "partnership": partnership_b, "state": State.DRAFT},
        {"title": "Sent back", "partnership": partnership_a, "state": State.RETURNED},
        {
            "title": "Taken down",
            "partnership": partnership_a,
            "state": State.UNPUBLISHED,
            "published_at": middle_of(*months_ago(2)),
        },
    )
    client = client_for(facilitator)
    everything = ["A draft", "Published here", "Published now", "Sent back", "Taken down", "Waiting"]
    assert titles_of(client) == everything
    assert titles_of(client, state=State.DRAFT) == ["A draft"]
    assert titles_of(client, partnership=partnership_a.slug) == ["Published here", "Sent back", "Taken down", "Waiting"]
    assert titles_of(client, theme="learning-reviews") == ["Published now"]
    year, month = months_ago(2)
    assert titles_of(client, published=f"{year}-{month:02}") == ["Published here", "Taken down"]
    assert titles_of(client, state=State.PUBLISHED, published=f"{year}-{month:02}") == ["Published here"]
    waiting = next(example for example in LearningExample.objects.all() if example.title == "Waiting")
    page = client.get(EXAMPLES_URL, {"state": State.SUBMITTED}).content.decode()
    assert f'href="{reverse("learning:example_review", args=[waiting.slug])}"' in page
    assert "1 example matches these filters" in visible_text(page)


def test_a_month_typed_wrongly_is_explained_and_kept(client_for, facilitator, programme):
    response = client_for(facilitator).get(EXAMPLES_URL, {"published": "March"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter a month as year and month" in page
    assert 'value="March"' in page


def test_nothing_matching_says_so(client_for, facilitator, programme):
    page = visible_text(client_for(facilitator).get(EXAMPLES_URL, {"state": State.RETURNED}).content)
    assert "No example matches these filters." in page


def test_examples_list_is_paginated_with_a_fixed_query_count(
    client_for, facilitator, partnership_a, django_assert_num_queries
):
    client = client_for(facilitator)
    for total in (10, 120):
        add_examples(*[{"partnership": partnership_a, "state": State.DRAFT} for _ in range(total - 10 * (total > 10))])
        # 1 the session, 2 the user, 3 is_facilitator, 4 the paginator's count, 5 the page of examples with their
        # partnerships, 6 their themes (prefetched), 7 the partnership and 8 the theme choices of the filter form,
        # 9 the questions waiting, for the navigation.
        with django_assert_num_queries(9):
            response = client.get(EXAMPLES_URL)
        assert len(parse_tables(response.content.decode())[0]["tbody"]) == min(total, 50)


def make_resource(title, *, published=True):
    return Resource.objects.create(
        title=title,
        slug=title.lower().replace(" ", "-"),
        external_url="https://example.org/r",
        published=published,
    )


def downloads_table(client, **params):
    table = parse_tables(client.get(DOWNLOADS_URL, params).content.decode())[0]
    return [(row[0]["text"], row[1]["text"], int(row[3]["text"])) for row in table["tbody"] if len(row) > 3]


def test_resources_with_their_downloads_drafts_included(client_for, facilitator, programme):
    toolkit, guide = make_resource("Scrutiny toolkit"), make_resource("Funding guide")
    make_resource("Draft notes", published=False)
    ResourceDownload.objects.bulk_create(
        [ResourceDownload(resource=toolkit, downloaded_at=middle_of(*months_ago(ago))) for ago in (0, 3, 3)]
        + [ResourceDownload(resource=guide, downloaded_at=middle_of(*months_ago(ago))) for ago in (1, 1, 1, 1)]
    )
    client = client_for(facilitator)
    assert downloads_table(client) == [
        ("Funding guide", "Published", 4),
        ("Scrutiny toolkit", "Published", 3),
        ("Draft notes", "Draft", 0),
    ]
    year, month = months_ago(3)
    assert downloads_table(client, month=f"{year}-{month:02}", sort="downloads")[0] == (
        "Scrutiny toolkit",
        "Published",
        2,
    )
    assert [title for title, _, _ in downloads_table(client, sort="title")] == [
        "Draft notes",
        "Funding guide",
        "Scrutiny toolkit",
    ]
    page = client.get(DOWNLOADS_URL, {"month": "soon"}).content.decode()
    assert "Enter a month as year and month" in page
    assert 'value="soon"' in page


def test_downloads_list_query_count_is_fixed(client_for, facilitator, programme, django_assert_num_queries):
    client = client_for(facilitator)
    for total in (3, 70):
        for number in range(Resource.objects.count(), total):
            resource = make_resource(f"Resource {number}")
            ResourceDownload.objects.create(resource=resource, downloaded_at=timezone.now() - timedelta(days=number))
        # 1 the session, 2 the user, 3 is_facilitator, 4 the paginator's count, 5 the page of resources with their
        # downloads counted, 6 the questions waiting, for the navigation.
        with django_assert_num_queries(6):
            client.get(DOWNLOADS_URL, {"sort": "downloads"})


def test_subscribers_are_counted_not_listed(client_for, facilitator, programme):
    theme = Theme.objects.get(slug="independent-scrutiny")
    now = timezone.now()
    for number, (status, ago) in enumerate(
        [
            (SubscriberStatus.CONFIRMED, 0),
            (SubscriberStatus.CONFIRMED, 0),
            (SubscriberStatus.UNSUBSCRIBED, 0),
            (SubscriberStatus.CONFIRMED, 4),
            (SubscriberStatus.PENDING, None),
        ]
    ):
        subscriber = Subscriber.objects.create(
            email=f"person{number}@example.org",
            status=status,
            consent_text="I agree.",
            consented_at=now,
            confirmed_at=None if ago is None else middle_of(*months_ago(ago)),
        )
        subscriber.themes.add(theme)
    page = client_for(facilitator).get(SUBSCRIBERS_URL).content.decode()
    status_table, growth_table, themes_table = parse_tables(page)[:3]
    assert {row[0]["text"]: row[1]["text"] for row in status_table["tbody"]} == {
        "Waiting for confirmation": "1",
        "Confirmed": "3",
        "Unsubscribed": "1",
    }
    year, month = months_ago(0)
    this_month = middle_of(year, month).strftime("%B %Y")
    assert [cell["text"] for cell in growth_table["tbody"][0]] == [this_month, "3", "2"]
    assert {row[0]["text"]: row[1]["text"] for row in themes_table["tbody"]}["Independent scrutiny"] == "3"
    assert "person0@example.org" not in page
    assert "/admin/" not in page


def test_staff_get_the_admin_and_the_export(client_for, facilitator, programme):
    facilitator.is_staff = True
    facilitator.save()
    page = client_for(facilitator).get(SUBSCRIBERS_URL).content.decode()
    assert f'href="{reverse("admin:resources_subscriber_export")}"' in page


def test_subscribers_summary_query_count_is_fixed(client_for, facilitator, programme, django_assert_num_queries):
    client = client_for(facilitator)
    for total in (3, 50):
        for number in range(Subscriber.objects.count(), total):
            Subscriber.objects.create(
                email=f"person{number}@example.org",
                status=SubscriberStatus.CONFIRMED,
                consent_text="I agree.",
                consented_at=timezone.now(),
                confirmed_at=middle_of(*months_ago(number % 15)),
            )
        # 1 the session, 2 the user, 3 is_facilitator, 4 by status, 5 by month, 6 by theme, 7 the questions waiting.
        with django_assert_num_queries(7):
            client.get(SUBSCRIBERS_URL)
