"""Feeds and sitemap entries for learning examples: published examples only, announced from /learning/."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from learning.models import State
from tests.learning_data import make_example
from tests.test_feeds import sitemap_locations

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse_xml(content):
    return ET.fromstring(content)  # noqa: S314 (the portal's own output, not untrusted input)


@pytest.fixture
def examples(partnership_a):
    published = make_example(
        partnership_a,
        State.PUBLISHED,
        title="Peer review with a neighbouring partnership",
        summary="Neighbours review each other. <script>alert(1)</script>",
        themes=["independent-scrutiny", "learning-reviews"],
    )
    draft = make_example(partnership_a, State.DRAFT, title="A draft nobody else may see")
    submitted = make_example(partnership_a, State.SUBMITTED, title="Waiting for review")
    return published, draft, submitted


def test_rss_feed_lists_published_examples_only(client, examples):
    published, *_ = examples
    response = client.get(reverse("learning:example_feed_rss"))
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse_xml(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Peer review with a neighbouring partnership (Devon, Plymouth, Torbay; stage: Being tested)"
    ]
    (item,) = items
    assert item.findtext("link").endswith(published.get_absolute_url())
    assert {category.text for category in item.findall("category")} == {"Independent scrutiny", "Learning reviews"}
    assert "<script>" not in item.findtext("description")


def test_atom_feed_lists_published_examples_only(client, examples):
    response = client.get(reverse("learning:example_feed_atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    titles = [entry.findtext(f"{ATOM}title") for entry in parse_xml(response.content).iter(f"{ATOM}entry")]
    assert len(titles) == 1 and titles[0].startswith("Peer review with a neighbouring partnership")


def test_learning_list_announces_its_feeds(client, examples):
    html = client.get(reverse("learning:example_list")).content.decode()
    rss_link = (
        'rel="alternate" type="application/rss+xml" title="EA Portal learning examples (RSS)" '
        f'href="{reverse("learning:example_feed_rss")}"'
    )
    assert rss_link in html
    assert reverse("learning:example_feed_atom") in html


def test_sitemap_has_published_examples_and_learning_pages_only(client, examples, settings):
    published, draft, submitted = examples
    locations = sitemap_locations(client, settings.PORTAL_BASE_URL.rstrip("/"))
    assert any(location.endswith(published.get_absolute_url()) for location in locations)
    assert not any(location.endswith(draft.get_absolute_url()) for location in locations)
    assert not any(location.endswith(submitted.get_absolute_url()) for location in locations)
    for name in ("learning:enquiry_framework", "learning:example_list", "learning:stage_guide"):
        assert any(location.endswith(reverse(name)) for location in locations)


def test_an_example_titled_feed_does_not_hide_the_feed(client, partnership_a):
    example = make_example(partnership_a, State.PUBLISHED, title="Feed")
    assert example.slug != "feed"
    assert client.get(example.get_absolute_url()).status_code == 200
    assert client.get(reverse("learning:example_feed_rss")).status_code == 200
