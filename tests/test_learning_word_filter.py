"""/learning/ filtered by words (issue 14): the matches are counted and paged on the search index's entries, then
only the page's examples are read. What a visitor sees must be what filtering the examples table itself gives:
the same examples, count and newest-first order, with every other filter, on numbered and cursor pages."""

import datetime
import re

import pytest
from django.http import QueryDict
from django.utils import timezone

from ea_portal.search.indexing import flush_pending, rebuild
from learning.filters import LearningExampleFilter
from learning.models import LearningExample, Stage, State
from partnerships.models import Region
from tests.html import visible_text
from tests.learning_data import make_example
from tests.test_listing_pagination import LIST_URL, add_examples, link, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def okapis(partnership_a, partnership_b):
    """Published okapi examples across partnerships, stages and themes, some published at the same moment;
    and okapi examples nobody outside their partnership may see."""
    moment = timezone.now() - datetime.timedelta(days=3)
    examples = []
    for number in range(9):
        example = make_example(
            partnership_a if number % 2 else partnership_b,
            state=State.PUBLISHED,
            title=f"Okapi practice {number}",
            stage=Stage.IDEA if number % 3 else Stage.BEING_TESTED,
            themes=["learning-reviews"] if number % 4 else ["child-death-review"],
        )
        # In pairs at the same moment: the primary key must break the tie, as on the list without words.
        example.published_at = moment + datetime.timedelta(hours=number // 2)
        example.save()
        examples.append(example)
    make_example(partnership_a, state=State.PUBLISHED, title="Heron practice")
    for state in (State.DRAFT, State.SUBMITTED, State.UNPUBLISHED):
        make_example(partnership_a, state=state, title=f"Okapi {state} practice")
    flush_pending()
    return examples


def expected(params):
    """The titles and count that filtering the examples table itself gives (the filter's `qs`, whose word filter
    is a subquery on the index), newest first."""
    published = LearningExample.objects.published()
    examples = LearningExampleFilter(QueryDict(params), queryset=published).qs.order_by("-published_at", "-pk")
    return [example.title for example in examples]


def listed(client, params):
    response = client.get(f"{LIST_URL}?{params}")
    assert response.status_code == 200
    count = re.search(r"(\d+) learning examples? match", visible_text(response.content))
    return [example.title for example in response.context["page_obj"]], int(count.group(1))


@pytest.mark.parametrize(
    "params",
    [
        "q=okapi",
        "q=okapi&theme=learning-reviews",
        "q=okapi&theme=child-death-review&stage=idea",
        "q=okapi&partnership=devon-plymouth-torbay",
        f"q=okapi&region={Region.SOUTH_WEST}",
        f"q=okapi&region={Region.SOUTH_WEST}&partnership=north-lincolnshire",
        "q=okapi&stage=being-tested",
        "q=practice -heron",
        "q=heron",
        "q=nothing-matches-this",
    ],
)
def test_words_with_any_other_filter_list_what_the_examples_table_gives(client, okapis, params):
    titles, count = listed(client, params)
    assert titles == expected(params)
    assert count == len(titles)


def test_only_published_examples_match_and_one_unpublished_leaves_at_once(client, okapis):
    titles, count = listed(client, "q=okapi")
    assert count == 9 and not any(state in " ".join(titles) for state in ("draft", "submitted", "unpublished"))
    okapis[-1].state = State.UNPUBLISHED
    okapis[-1].save()
    titles, count = listed(client, "q=okapi")
    assert count == 8 and okapis[-1].title not in titles


def test_cursor_pages_with_words_list_every_match_once_in_order(client, programme, monkeypatch):
    monkeypatch.setattr("learning.views.EXAMPLES_PER_PAGE", 3)
    monkeypatch.setattr("learning.views.NUMBERED_EXAMPLE_PAGES", 2)
    add_examples(14)
    rebuild()  # bulk-created examples reach the index by a rebuild, as after any bulk load
    pages = walk(client, f"{LIST_URL}?q=example")
    assert [title for titles, _ in pages for title in titles] == expected("q=example")
    assert [label for _, label in pages] == [f"Page {number} of 5" for number in range(1, 6)]
    # Back from the last (cursor) page by the "Previous" links: the same pages in reverse.
    response = client.get(f"{LIST_URL}?q=example")
    for _ in range(4):
        response = client.get(f"{LIST_URL}{link(response.content, 'next')}")
    back = walk(client, f"{LIST_URL}{link(response.content, 'prev')}", rel="prev")
    assert [titles for titles, _ in back] == [titles for titles, _ in reversed(pages[:-1])]
