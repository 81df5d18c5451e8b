"""Search on PostgreSQL (as in CI): full-text ranking, stemming, web-search syntax, near-miss names by trigram
similarity, ts_headline snippets, and the GIN indexes the search relies on."""

import pytest
from django.db import connection

from ea_portal.search.indexing import flush_pending
from ea_portal.search.models import SearchEntry
from ea_portal.search.query import FullTextSearch
from ea_portal.search.related import related_examples
from learning.models import State
from tests.learning_data import make_example
from tests.search_data import facets, make_faq, make_published_example, results, search, titles

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL full-text search and pg_trgm: run with DATABASE_URL pointing at PostgreSQL (CI does)",
)


def test_a_title_match_ranks_above_a_body_match(client, partnership_a):
    in_body = make_published_example(
        "Scrutiny officers",
        partnership_a,
        what_was_done="Scrutiny of safeguarding by a mongoose panel; the mongoose panel meets monthly; mongoose.",
    )
    in_summary = make_published_example("Annual reports", partnership_a, summary="A mongoose summary.")
    in_title = make_published_example("Mongoose panels", partnership_a)
    assert titles(search(client, "mongoose")) == [in_title.title, in_summary.title, in_body.title]


def test_english_stemming_finds_other_forms_of_a_word(client, partnership_a):
    make_published_example("Evaluating practice", partnership_a, summary="One review of each team, yearly.")
    assert titles(search(client, "reviews", type="example")) == ["Evaluating practice"]
    assert titles(search(client, "evaluated", type="example")) == ["Evaluating practice"]


def test_quoted_phrases_or_and_minus(client, partnership_a):
    make_published_example("Together", partnership_a, summary="Neighbouring partners carry out a peer review.")
    make_published_example("Apart", partnership_a, summary="A review by a peer from a neighbouring area.")
    make_published_example("Other", partnership_a, summary="Audit of schools.")
    assert titles(search(client, '"peer review"', type="example")) == ["Together"]
    assert set(titles(search(client, "peer review", type="example"))) == {"Together", "Apart"}
    assert set(titles(search(client, "peer or audit", type="example"))) == {"Together", "Apart", "Other"}
    assert titles(search(client, "review -neighbouring", type="example")) == []
    assert titles(search(client, "review -area", type="example")) == ["Together"]


@pytest.mark.parametrize(
    ("misspelling", "partnership"),
    [
        ("Calderdal", "Calderdale"),
        ("Hertfordshre", "Hertfordshire"),
        ("Wolverhamton", "Dudley, Sandwell, Walsall, Wolverhampton"),
        ("Sandwel", "Dudley, Sandwell, Walsall, Wolverhampton"),
        ("Staffordshir", "Stoke on Trent/Staffordshire"),
    ],
)
def test_a_misspelled_partnership_or_authority_name_finds_the_partnership(client, programme, misspelling, partnership):
    found = results(search(client, misspelling))
    assert found[0].title == partnership
    assert found[0].kind == "Early Adopter partnership"


def test_a_misspelled_theme_name_finds_the_theme(client, programme):
    assert titles(search(client, "Contextual safeguardin"))[0] == "Contextual safeguarding"


def test_snippets_highlight_stemmed_matches_and_escape_the_content(client, partnership_a):
    make_published_example(
        "Escaping",
        partnership_a,
        summary='Reviews of practice. <script>alert("x")</script> <img src=x onerror=alert(1)> & more.',
    )
    [result] = results(search(client, "review", type="example"))
    assert "<mark>Reviews</mark>" in result.snippet_html
    assert "<script>" not in result.html and "<img" not in result.html
    assert "&lt;script&gt;" in result.snippet_html and "&lt;img" in result.snippet_html
    assert '<script>alert("x")</script>' in result.snippet


def test_drafts_never_show_in_results_counts_or_snippets(client_for, partnership_a, lead_b):
    make_published_example("Published capybara", partnership_a, summary="A capybara approach.")
    make_example(partnership_a, state=State.DRAFT, title="Draft capybara", summary="Confidential capybara draft text.")
    make_faq("A capybara question?", "A confidential capybara answer.", published=False)
    for user in (None, lead_b):
        response = search(client_for(user), "capybara confidential")
        assert titles(response) == []
        response = search(client_for(user), "capybara")
        assert titles(response) == ["Published capybara"]
        html = response.content.decode()
        assert "onfidential" not in html
        assert facets(response)["type"] == {"example": ("Learning example", 1, False)}


def test_the_search_uses_the_gin_indexes(partnership_a):
    make_published_example("Indexed", partnership_a)
    matcher = FullTextSearch("Calderdal review")
    entries = SearchEntry.objects.filter(matcher.condition())
    with connection.cursor() as cursor:
        # With so few rows a sequential scan is cheaper; forbid it to see that the indexes can serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = entries.order_by().explain()
    assert "searchentry_vector_gin" in plan
    assert "searchentry_names_trgm" in plan


def test_related_examples_rank_shared_themes_then_similar_wording(partnership_b):
    def add(title, theme, state=State.PUBLISHED):
        return make_example(partnership_b, state=state, title=title, themes=[theme], summary="Plain text.")

    example = add("Peer review of child protection", "learning-reviews")
    same_theme = add("Rapid audits", "learning-reviews")
    same_theme_and_words = add("Peer review across neighbours", "learning-reviews")
    similar_words = add("Peer reviews in schools", "engagement-with-schools")
    add("Unrelated", "contextual-safeguarding")
    add("Peer review draft", "learning-reviews", state=State.DRAFT)
    # Wording comes from the index as committed; these tests never commit, so write it now.
    flush_pending()
    related = related_examples(example, [example.themes.get().pk])
    assert related == [same_theme_and_words, same_theme, similar_words]
