"""/learning/'s pages: numbered near the top, then "Older examples" links that carry a cursor (ea_portal.keyset),
so that a page deep in 20,000 examples costs what the first does. Every example appears exactly once, in
newest-first order, even when many share a publication time; back links retrace the same pages."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.models import LearningExample, State
from partnerships.models import Theme
from tests.html import visible_text

pytestmark = pytest.mark.django_db

LIST_URL = reverse("learning:example_list")
PER_PAGE = 3
NUMBERED = 2


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr("learning.views.EXAMPLES_PER_PAGE", PER_PAGE)
    monkeypatch.setattr("learning.views.NUMBERED_EXAMPLE_PAGES", NUMBERED)


def add_examples(count, *, state=State.PUBLISHED, theme="independent-scrutiny", partnership=None, start=0):
    """`count` examples, published in threes at the same moment (ties the order must still break)."""
    base = timezone.now() - datetime.timedelta(days=1)
    examples = LearningExample.objects.bulk_create(
        LearningExample(
            title=f"Example {start + number}",
            slug=f"example-{state}-{start + number}",
            summary="A summary.",
            state=state,
            partnership=partnership,
            published_at=base + datetime.timedelta(minutes=(start + number) // 3) if state == State.PUBLISHED else None,
        )
        for number in range(count)
    )
    through = LearningExample.themes.through
    theme_id = Theme.objects.get(slug=theme).pk
    through.objects.bulk_create(through(learningexample_id=example.pk, theme_id=theme_id) for example in examples)
    return examples


def newest_first(examples):
    return [example.title for example in sorted(examples, key=lambda e: (e.published_at, e.pk), reverse=True)]


def link(content, rel):
    match = re.search(rf'rel="{rel}" href="(\?[^"]*)"', content.decode())
    return html.unescape(match.group(1)) if match else None


def walk(client, url, rel="next"):
    """Follow the pages' `rel` links from `url`: each page's titles and its "Page n of m" label."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        text = visible_text(response.content)
        label = re.search(r"Page \d+ of \d+", text)
        pages.append(([example.title for example in response.context["page_obj"]], label and label.group(0)))
        following = link(response.content, rel)
        url = f"{LIST_URL}{following}" if following else None
    return pages


def test_every_example_appears_once_in_order_across_numbered_and_cursor_pages(client, programme):
    examples = add_examples(17)
    add_examples(4, state=State.DRAFT, start=100)
    pages = walk(client, LIST_URL)
    titles = [title for page, _ in pages for title in page]
    assert titles == newest_first(examples)
    assert len(pages) == 6
    assert [label for _, label in pages] == [f"Page {number} of 6" for number in range(1, 7)]
    assert all(len(page) == PER_PAGE for page, _ in pages[:-1])


def test_pages_beyond_the_numbered_ones_follow_a_cursor(client, programme):
    add_examples(12)
    page_two = client.get(LIST_URL, {"page": NUMBERED})
    # The link to page 3 carries the last example's (published_at, id) rather than an offset.
    following = link(page_two.content, "next")
    assert "after=" in following and "page=3" in following
    # Asking for a page past the numbered ones by number gives the first page, as a bad number does.
    assert client.get(LIST_URL, {"page": 4}).context["page_obj"].number == 1


def test_back_links_retrace_the_same_pages(client, programme):
    examples = add_examples(14)
    forward = walk(client, LIST_URL)
    last_page_url = LIST_URL
    for _ in forward[:-1]:
        last_page_url = f"{LIST_URL}{link(client.get(last_page_url).content, 'next')}"
    backward = walk(client, last_page_url, rel="prev")
    assert backward == list(reversed(forward))
    assert [title for page, _ in backward[::-1] for title in page] == newest_first(examples)


def test_cursor_pages_keep_the_filters(client, programme, partnership_a):
    mine = add_examples(10, partnership=partnership_a)
    add_examples(5, theme="information-sharing", start=50)
    pages = walk(client, f"{LIST_URL}?theme=independent-scrutiny&partnership={partnership_a.slug}")
    assert [title for page, _ in pages for title in page] == newest_first(mine)
    response = client.get(LIST_URL, {"theme": "independent-scrutiny", "partnership": partnership_a.slug})
    assert "10 learning examples match these filters" in visible_text(response.content)
    assert "theme=independent-scrutiny" in link(response.content, "next")
    # An unfiltered page, even deep in the list, does not claim to be filtered.
    page_two = client.get(LIST_URL, {"page": 2})
    assert "15 learning examples, newest first" in visible_text(page_two.content)


@pytest.mark.parametrize(
    "cursor", ["nonsense", "2020-01-01T00:00:00+00:00~x", "~", "2020-13-45T00:00:00~5", "2020-01-01T00:00:00~5"]
)
def test_a_broken_cursor_gives_the_first_page(client, programme, cursor):
    add_examples(8)
    for name in ("after", "before"):
        response = client.get(LIST_URL, {name: cursor, "page": 5})
        assert response.status_code == 200
        assert response.context["page_obj"].number == 1


def test_a_cursor_past_the_end_gives_the_first_page(client, programme):
    examples = add_examples(8)
    oldest = min(examples, key=lambda e: (e.published_at, e.pk))
    response = client.get(LIST_URL, {"after": f"{oldest.published_at.isoformat()}~{oldest.pk}", "page": 5})
    assert response.context["page_obj"].number == 1


def test_query_count_of_a_deep_cursor_page_is_that_of_the_first(client, programme, django_assert_num_queries):
    for total in (15, 60):
        add_examples(total - LearningExample.objects.count(), start=LearningExample.objects.count())
        pages = [LIST_URL]
        url = LIST_URL
        for _ in range(4):
            url = f"{LIST_URL}{link(client.get(url).content, 'next')}"
        pages.append(url)
        for url in pages:
            # The filter form's theme and partnership choices (2), the count (3), the page's rows (4), their
            # themes (5).
            with django_assert_num_queries(5):
                client.get(url)


@pytest.mark.parametrize(
    "query",
    ["", "theme=independent-scrutiny&region=north-west&stage=idea&partnership=trafford", "stage=no-such-stage&q=x"],
)
def test_the_filter_form_renders_as_djangos_own_widgets_would(programme, query):
    """/learning/ renders its selects in Python (ea_portal's filter_field tag), for speed: the same HTML."""
    from django.http import QueryDict
    from django.test.html import parse_html

    from ea_portal.templatetags.portal import filter_field
    from learning.filters import LearningExampleFilter

    form = LearningExampleFilter(QueryDict(query) or None, queryset=LearningExample.objects.all()).form
    form.is_valid()
    for field in form:
        assert parse_html(str(filter_field(field))) == parse_html(str(field)), field.name
    assert " selected" in str(filter_field(form["stage"])) or "no-such-stage" in query or not query


RESOURCES_URL = reverse("resources:resource_list")


def test_every_published_resource_appears_once_across_numbered_and_cursor_pages(client, programme, monkeypatch):
    from resources.models import Resource

    monkeypatch.setattr("resources.views.RESOURCES_PER_PAGE", PER_PAGE)
    monkeypatch.setattr("resources.views.NUMBERED_RESOURCE_PAGES", NUMBERED)
    Resource.objects.bulk_create(
        Resource(title=f"Resource {n}", slug=f"resource-{n}", external_url="https://x.org/", published=n % 5 != 0)
        for n in range(16)
    )
    # bulk_create gives them all one `updated`: the primary key orders them.
    published = Resource.objects.filter(published=True).order_by("-updated", "-pk")
    titles, url = [], RESOURCES_URL
    while url:
        response = client.get(url)
        titles += [resource.title for resource in response.context["page_obj"]]
        following = link(response.content, "next")
        url = f"{RESOURCES_URL}{following}" if following else None
    assert titles == [resource.title for resource in published]
    assert "after=" in link(client.get(RESOURCES_URL, {"page": NUMBERED}).content, "next")
    assert f"{len(titles)} resources" in visible_text(client.get(RESOURCES_URL).content)
