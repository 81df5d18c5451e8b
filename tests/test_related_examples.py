"""Related examples are stored (search.RelatedExample) and recomputed when examples are published, unpublished or
edited, so an example page reads its list in one query whatever the number of examples (issue 14)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ea_portal.search.models import RelatedExample
from ea_portal.search.related import MIN_WORD_EXAMPLES, Corpus, Item, related_examples, title_words
from learning import seed as learning_seed
from learning.models import LearningExample, State
from partnerships.models import Theme
from tests.learning_data import make_example
from tests.search_data import make_published_example


def related_titles(example):
    return [other.title for other in related_examples(example)]


def stored_titles(example):
    """What the worker stored, read without recomputing anything."""
    rows = RelatedExample.objects.filter(example=example).order_by("position").select_related("related")
    return [row.related.title for row in rows]


def test_shared_themes_come_first_then_rare_shared_title_words_then_the_newest(partnership_a):
    example = make_published_example("Kestrel peer audit", partnership_a, themes=["learning-reviews"])
    make_published_example("Unrelated work", partnership_a, themes=["contextual-safeguarding"])
    older = make_published_example("Rapid checks", partnership_a, themes=["learning-reviews"])
    LearningExample.objects.filter(pk=older.pk).update(published_at=older.published_at.replace(year=2020))
    make_published_example("Newer theme match", partnership_a, themes=["learning-reviews"])
    make_published_example("Kestrel audits in schools", partnership_a, themes=["engagement-with-schools"])
    make_published_example("Kestrel audit and theme", partnership_a, themes=["learning-reviews"])
    assert related_titles(example) == [
        "Kestrel audit and theme",
        "Newer theme match",
        "Rapid checks",
        "Kestrel audits in schools",
    ]


def test_an_unpublished_example_leaves_other_lists_at_once_and_a_published_one_joins_them(client, partnership_a):
    example = make_published_example("Kestrel audit", partnership_a, themes=["learning-reviews"])
    other = make_published_example("Another review", partnership_a, themes=["learning-reviews"])
    assert related_titles(example) == ["Another review"]

    # Even before anything is recomputed (no signals here), the page stops showing it.
    LearningExample.objects.filter(pk=other.pk).update(state=State.UNPUBLISHED)
    assert related_titles(example) == []
    assert "Another review" not in client.get(example.get_absolute_url()).content.decode()

    other.state = State.PUBLISHED
    other.save()
    assert related_titles(example) == ["Another review"]
    other.state = State.UNPUBLISHED
    other.save()
    assert related_titles(example) == []
    assert not RelatedExample.objects.filter(related=other).exists()


def test_publishing_and_unpublishing_through_the_review_pages_update_the_lists(client_for, facilitator, partnership_a):
    example = make_published_example("Kestrel audit", partnership_a, themes=["learning-reviews"])
    waiting = make_example(partnership_a, state=State.SUBMITTED, title="Waiting review", themes=["learning-reviews"])
    client = client_for(facilitator)
    assert "Waiting review" not in client.get(example.get_absolute_url()).content.decode()

    client.post(reverse("learning:example_publish", args=[waiting.slug]), {"publish-anonymity_confirmed": "on"})
    # Stored by the task the commit queued (run at once in tests), not computed by the page.
    assert stored_titles(example) == ["Waiting review"]
    assert "Waiting review" in client.get(example.get_absolute_url()).content.decode()

    client.post(reverse("learning:example_unpublish", args=[waiting.slug]), {"unpublish-reason": "Asked to."})
    assert stored_titles(example) == []
    assert "Waiting review" not in client_for(None).get(example.get_absolute_url()).content.decode()


def test_editing_the_title_or_the_themes_changes_the_lists(partnership_a):
    example = make_published_example("Kestrel audit", partnership_a, themes=["learning-reviews"])
    other = make_published_example("Heron survey", partnership_a, themes=["contextual-safeguarding"])
    assert related_titles(example) == []

    other.title = "Heron kestrel survey"
    other.save()
    assert related_titles(example) == ["Heron kestrel survey"]
    assert related_titles(other) == ["Kestrel audit"]

    other.title = "Heron survey"
    other.save()
    other.themes.set([Theme.objects.get(slug="learning-reviews")])
    assert related_titles(example) == ["Heron survey"]

    other.themes.set([Theme.objects.get(slug="contextual-safeguarding")])
    assert related_titles(example) == []


@pytest.mark.django_db(transaction=True)
def test_the_worker_stores_the_lists_after_commit(programme, partnership_a):
    example = make_published_example("Kestrel audit", partnership_a, themes=["learning-reviews"])
    make_published_example("Another review", partnership_a, themes=["learning-reviews"])
    # Each save committed (no test transaction here) and queued the task, which has run: nothing is left to
    # compute when the page reads.
    assert stored_titles(example) == ["Another review"]


def test_a_word_in_most_titles_makes_nobody_a_candidate():
    items = [
        Item(pk, frozenset(), frozenset(title_words(f"Partnership work number {pk}")), (-pk, -pk))
        for pk in range(1, MIN_WORD_EXAMPLES + 10)
    ]
    items.append(Item(1000, frozenset(), frozenset(title_words("Partnership kestrel survey")), (0, 0)))
    items.append(Item(1001, frozenset(), frozenset(title_words("Kestrel partnerships")), (0, 1)))
    corpus = Corpus(items)
    # "partnership" is in every title: only the rare "kestrel" makes a candidate.
    assert [pk for pk, _ in corpus.scores(corpus.items[1000])] == [1001]
    assert title_words("Peer reviews of the process") == {"peer", "review", "process"}


def test_rebuild_recomputes_every_list(partnership_a):
    learning_seed.load()
    example = make_published_example("Kestrel audit", partnership_a, themes=["learning-reviews"])
    make_published_example("Another review", partnership_a, themes=["learning-reviews"])
    related_examples(example)
    RelatedExample.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert stored_titles(example)[0] == "Another review"
    assert RelatedExample.objects.filter(example__slug="devon-scrutiny-processes").exists()
    assert "related examples of 6 examples" in out.getvalue()


def test_the_example_page_reads_its_related_examples_in_one_query_however_many(client, partnership_a):
    example = make_published_example("Kestrel audit", partnership_a, themes=["learning-reviews"])
    make_published_example("Another review", partnership_a, themes=["learning-reviews"])
    related_examples(example)

    def related_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(example.get_absolute_url()).status_code == 200
        return [query["sql"] for query in queries if "search_relatedexample" in query["sql"]]

    assert len(related_queries()) == 1
    for number in range(8):
        make_published_example(f"Review {number}", partnership_a, themes=["learning-reviews"])
    related_examples(example)
    assert len(related_queries()) == 1
