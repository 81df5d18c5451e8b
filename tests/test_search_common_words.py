"""Search for a word in most entries (issue 14): PostgreSQL's planner would test every row's vector one by one,
so the facet counts with words are planned with the indexes (ea_portal.search.query.PLAN_WITH_INDEXES). The
setting must change nothing a visitor sees, and must end with the search's own statement."""

import pytest
from django.db import connection

from ea_portal.search.indexing import flush_pending
from learning.models import State
from tests.learning_data import make_example
from tests.search_data import facets, make_published_example, search, titles

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")


def seqscan_setting():
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_search_with_words_leaves_the_planner_as_it_found_it(client, partnership_a):
    """Outside a transaction (as a request runs) the setting lasts for the facet counts' statement only."""
    make_published_example("Okapi safeguarding audit", partnership_a)
    flush_pending()
    assert seqscan_setting() == "on"
    assert titles(search(client, "okapi")) == ["Okapi safeguarding audit"]
    assert seqscan_setting() == "on"


def test_a_common_word_still_counts_every_visible_match_and_finds_near_miss_names(client, partnership_a):
    for number in range(5):
        make_published_example(f"Okapi review {number}", partnership_a)
    make_example(partnership_a, state=State.DRAFT, title="Okapi draft")
    flush_pending()
    response = search(client, "okapi")
    assert len(titles(response)) == 5
    assert facets(response)["type"]["example"][1] == 5
    # A partnership's name misspelt: found by the names' trigram index beside the vector's match.
    assert titles(search(client, "Calderdal"))[0] == "Calderdale"
