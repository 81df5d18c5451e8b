"""Feed readers and crawlers ask again and again: every feed and the sitemap send an ETag (and feeds a
Last-Modified), and answer 304 with no body when the client already has the current version."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from learning.models import State
from resources.models import NewsletterIssue, Resource
from tests.learning_data import make_example

pytestmark = pytest.mark.django_db

FEEDS = [
    "learning:example_feed_rss",
    "learning:example_feed_atom",
    "resources:resource_feed_rss",
    "resources:resource_feed_atom",
    "resources:newsletter_feed_rss",
    "resources:newsletter_feed_atom",
]


@pytest.fixture
def content(programme, partnership_a):
    make_example(partnership_a, State.PUBLISHED, title="Published example")
    Resource.objects.create(title="Toolkit", slug="toolkit", external_url="https://x.org/t", published=True)
    NewsletterIssue.objects.create(subject="Spring", slug="spring", body="News.", published_at=timezone.now())


@pytest.mark.parametrize("name", FEEDS)
def test_feeds_answer_304_to_a_matching_etag(client, content, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 200 and response["ETag"]
    again = client.get(url, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, headers={"if-none-match": '"something-else"'}).status_code == 200


@pytest.mark.parametrize("name", FEEDS)
def test_feeds_answer_304_when_not_modified_since(client, content, name):
    url = reverse(name)
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304
    earlier = http_date((timezone.now() - datetime.timedelta(days=1)).timestamp())
    assert client.get(url, headers={"if-modified-since": earlier}).status_code == 200


def test_a_newly_published_example_changes_the_learning_feeds_etag(client, content, partnership_a):
    url = reverse("learning:example_feed_rss")
    etag = client.get(url)["ETag"]
    make_example(partnership_a, State.PUBLISHED, title="Another published example")
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200 and "Another published example" in response.content.decode()


def test_an_unpublished_example_changes_the_learning_feeds_etag(client, content, partnership_a):
    url = reverse("learning:example_feed_atom")
    example = make_example(partnership_a, State.PUBLISHED, title="Soon withdrawn")
    etag = client.get(url)["ETag"]
    example.state = State.UNPUBLISHED
    example.save(update_fields=["state"])
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200 and "Soon withdrawn" not in response.content.decode()


def test_an_edited_resource_changes_the_resource_feeds_etag(client, content):
    url = reverse("resources:resource_feed_rss")
    etag = client.get(url)["ETag"]
    resource = Resource.objects.get(slug="toolkit")
    resource.title = "Toolkit, second edition"
    resource.save()
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


def test_rss_and_atom_have_different_etags(client, content):
    rss = client.get(reverse("learning:example_feed_rss"))["ETag"]
    atom = client.get(reverse("learning:example_feed_atom"))["ETag"]
    assert rss != atom


def test_feed_query_count_is_constant(client, programme, partnership_a, django_assert_num_queries):
    url = reverse("learning:example_feed_rss")
    for total in (2, 6):
        while client.get(url).content.decode().count("<item>") < total:
            make_example(partnership_a, State.PUBLISHED)
        # The items' stamps (1), the items with their partnerships (2), their themes (3).
        with django_assert_num_queries(3):
            client.get(url)
        # A 304 reads the stamps only.
        etag = client.get(url)["ETag"]
        with django_assert_num_queries(1):
            assert client.get(url, headers={"if-none-match": etag}).status_code == 304
