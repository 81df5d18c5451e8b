"""The search index stores who may see each entry and its facets (issue 14): searching and counting read the index
alone, drafts never leak into results or facet counts, and the word filters of /learning/ and /resources/ go
through the same index."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ea_portal.search import query
from ea_portal.search.indexing import flush_pending
from ea_portal.search.models import SearchEntry
from ea_portal.search.sources import SOURCES
from learning.models import State
from resources.models import FAQStatus
from tests.learning_data import make_example
from tests.search_data import facets, make_faq, make_newsletter, make_resource, search, titles

CONTENT_TABLES = re.compile(
    r"\b(learning_learningexample|resources_resource|resources_faq|resources_newsletterissue)\b"
)


@pytest.fixture
def content(partnership_a, partnership_b):
    """Okapi content of every kind and state, in two partnerships."""
    make_example(partnership_a, state=State.PUBLISHED, title="Okapi audit A", themes=["learning-reviews"])
    make_example(partnership_a, state=State.DRAFT, title="Okapi draft A", themes=["learning-reviews"])
    make_example(partnership_b, state=State.SUBMITTED, title="Okapi submitted B", themes=["learning-reviews"])
    make_example(partnership_b, state=State.UNPUBLISHED, title="Okapi unpublished B", themes=["child-death-review"])
    make_resource("Okapi toolkit", published=True, themes=["learning-reviews"])
    make_resource("Okapi draft toolkit", published=False, themes=["learning-reviews"])
    make_faq("Okapi question?", "Okapi answer.", published=True)
    make_faq("Okapi draft question?", "Okapi draft answer.", published=False)
    make_newsletter("Okapi news", "Okapi body.", published=True)
    make_newsletter("Okapi draft news", "Okapi body.", published=False)
    later = make_newsletter("Okapi scheduled news", "Okapi body.", published=True)
    later.published_at = timezone.now() + timedelta(days=2)
    later.save()
    flush_pending()
    return later


def visible_keys(user):
    return set(SearchEntry.objects.visible_to(user).values_list("kind", "object_id"))


def model_visible_keys(user):
    """What each model's own `visible_to` lets the user open; themes and partnerships are public."""
    keys = set()
    for kind, source in SOURCES.items():
        objects = source.model.objects
        objects = objects.visible_to(user) if hasattr(objects, "visible_to") else objects.all()
        keys |= {(kind, pk) for pk in objects.values_list("pk", flat=True)}
    return keys


@pytest.mark.parametrize("who", ["visitor", "lead_a", "lead_b", "facilitator"])
def test_the_index_lets_each_user_see_exactly_what_the_models_let_them_see(request, content, who):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "visitor" else request.getfixturevalue(who)
    assert visible_keys(user) == model_visible_keys(user)


def test_drafts_never_reach_a_visitors_results_or_facet_counts(client, content):
    response = search(client, "okapi")
    assert sorted(titles(response)) == ["Okapi audit A", "Okapi news", "Okapi question?", "Okapi toolkit"]
    shown = facets(response)
    assert {value: count for value, (_, count, _) in shown["type"].items()} == {
        "example": 1,
        "resource": 1,
        "faq": 1,
        "newsletter": 1,
    }
    # Two published things have the theme (the example and the toolkit); the drafts with it are not counted.
    assert shown["theme"]["learning-reviews"][1] == 2
    assert "child-death-review" not in shown["theme"]


def test_a_lead_sees_their_own_drafts_in_results_and_counts_but_not_anothers(client_for, content, lead_a):
    response = search(client_for(lead_a), "okapi")
    assert "Okapi draft A" in titles(response)
    assert "Okapi submitted B" not in titles(response)
    assert facets(response)["type"]["example"][1] == 2


def test_publishing_and_unpublishing_change_results_and_counts_at_once(client, content, partnership_b):
    example = make_example(partnership_b, state=State.DRAFT, title="Okapi later", themes=["child-death-review"])
    assert "Okapi later" not in titles(search(client, "okapi"))
    example.state = State.PUBLISHED
    example.published_at = timezone.now()
    example.save()
    response = search(client, "okapi")
    assert "Okapi later" in titles(response)
    assert facets(response)["theme"]["child-death-review"][1] == 1
    example.state = State.UNPUBLISHED
    example.save()
    response = search(client, "okapi")
    assert "Okapi later" not in titles(response)
    assert "child-death-review" not in facets(response)["theme"]


def test_a_scheduled_newsletter_issue_appears_when_its_time_comes_without_reindexing(client, content):
    assert "Okapi scheduled news" not in titles(search(client, "okapi"))
    # Its time comes: nothing is saved, so nothing is indexed again.
    SearchEntry.objects.filter(title="Okapi scheduled news").update(public_from=timezone.now() - timedelta(minutes=1))
    assert "Okapi scheduled news" in titles(search(client, "okapi"))


def test_an_faq_published_later_is_found_and_counted(client, content):
    faq = make_faq("Okapi late question?", "Okapi.", published=False)
    faq.status = FAQStatus.PUBLISHED
    faq.save()
    assert facets(search(client, "okapi"))["type"]["faq"][1] == 2


@pytest.mark.parametrize("words", ["okapi", ""])
def test_search_and_its_facets_read_the_index_alone(client_for, content, lead_a, words):
    for user in (None, lead_a):
        client = client_for(user)
        with CaptureQueriesContext(connection) as queries:
            search(client, words, theme="learning-reviews", type="example")
        searched = [query["sql"] for query in queries if "ea_portal_searchentry" in query["sql"]]
        # The facets' GROUP BY and the page.
        assert len(searched) == 2
        assert not [sql for sql in searched if CONTENT_TABLES.search(sql)]


def test_facet_counts_by_theme_partnership_and_stage(client, content, partnership_a, partnership_b):
    make_example(partnership_b, state=State.PUBLISHED, title="Okapi review B", themes=["learning-reviews"])
    shown = facets(search(client, "okapi", type="example"))
    assert shown["partnership"][partnership_a.slug][1] == 1
    assert shown["partnership"][partnership_b.slug][1] == 1
    assert shown["theme"]["learning-reviews"][1] == 2
    assert sum(count for _, count, _ in shown["stage"].values()) == 2


def test_the_learning_word_filter_goes_through_the_index(client, content, partnership_a):
    make_example(partnership_a, state=State.PUBLISHED, title="Heron scrutiny", summary="Reviewing peers.")
    flush_pending()
    # Only what the index holds is found: an example missing from it is not, though its text matches.
    SearchEntry.objects.filter(title="Heron scrutiny").delete()
    assert "Heron scrutiny" not in client.get(reverse("learning:example_list"), {"q": "heron"}).content.decode()
    html = client.get(reverse("learning:example_list"), {"q": "okapi"}).content.decode()
    assert "Okapi audit A" in html and "Okapi draft A" not in html


def test_the_learning_word_filter_finds_stemmed_words_on_postgresql(client, content, partnership_a):
    make_example(partnership_a, state=State.PUBLISHED, title="Heron scrutiny", summary="Peers reviewing practice.")
    flush_pending()
    html = client.get(reverse("learning:example_list"), {"q": "heron reviews"}).content.decode()
    if connection.vendor == "postgresql":
        # English stemming: "reviews" finds "reviewing".
        assert "Heron scrutiny" in html
    assert "Heron scrutiny" in client.get(reverse("learning:example_list"), {"q": "heron"}).content.decode()


def test_the_resources_word_filter_goes_through_the_index(client, content):
    html = client.get(reverse("resources:resource_list"), {"q": "okapi"}).content.decode()
    assert "Okapi toolkit" in html and "Okapi draft toolkit" not in html
    SearchEntry.objects.filter(title="Okapi toolkit").delete()
    assert "Okapi toolkit" not in client.get(reverse("resources:resource_list"), {"q": "okapi"}).content.decode()


def test_the_learning_word_filter_query_count_is_fixed(client, content, partnership_a, django_assert_num_queries):
    url = reverse("learning:example_list")
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"q": "okapi"})
    for number in range(30):
        make_example(partnership_a, state=State.PUBLISHED, title=f"Okapi more {number}")
    flush_pending()
    # The same queries whatever the number of matches: the words are a subquery on the index.
    with django_assert_num_queries(len(before)):
        client.get(url, {"q": "okapi"})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking is PostgreSQL's full-text search")
def test_only_the_newest_matches_are_ranked_and_every_page_follows_one_order(client, partnership_a, monkeypatch):
    monkeypatch.setattr(query, "RANK_CANDIDATES", 3)
    monkeypatch.setattr(query, "RESULTS_PER_PAGE", 2)
    now = timezone.now()
    titles_by_age = ["Plain one", "Okapi in the title", "Plain two", "Plain three", "Okapi old title"]
    for age, title in enumerate(titles_by_age):
        example = make_example(partnership_a, state=State.PUBLISHED, title=title, summary="About the okapi.")
        example.published_at = now - timedelta(days=age)
        example.save()
    flush_pending()
    pages = [titles(search(client, "okapi", page=number)) for number in (1, 2, 3)]
    # The three newest are ranked (the title match first, then the newest); the older two follow newest first,
    # though the oldest has the word in its title.
    assert pages == [["Okapi in the title", "Plain one"], ["Plain two", "Plain three"], ["Okapi old title"]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT compiler")
def test_postgresql_compiles_no_query_just_in_time(db):
    # JIT compilation took most of a search's time at the national data set (issue 14).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
