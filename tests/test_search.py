"""Search across the portal (issue 5), on whichever database the tests run: SQLite locally, PostgreSQL in CI.
PostgreSQL's full-text features (ranking, stemming, phrases, near-miss names, ts_headline) are tested in
test_search_postgres.py."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from ea_portal.search.indexing import rebuild
from ea_portal.search.models import SearchEntry, SearchKind
from ea_portal.search.query import MAX_QUERY_LENGTH, RESULTS_PER_PAGE
from ea_portal.search.related import related_examples
from learning import seed as learning_seed
from learning.models import LearningExample, Stage, State
from partnerships.models import LocalAuthority, Partnership
from resources.models import ResourceKind
from tests.learning_data import make_example
from tests.search_data import (
    SEARCH_URL,
    facets,
    make_faq,
    make_newsletter,
    make_published_example,
    make_resource,
    results,
    search,
    theme,
    titles,
)

BAD_QUERIES = [
    "",
    "   ",
    "the",
    "the and of",
    "x" * 10_000,
    "'",
    '"',
    "\\",
    "%",
    "&",
    "|",
    "!",
    ":*",
    '"peer review',
    'peer "review',
    "peer & | ! review",
    "review:*",
    "-",
    "--",
    "or",
    "-review",
    "()",
    "<script>alert(1)</script>",
    "%00 \x00 nul",
    "_%_",
    "Ünïcödé ✓ 漢字",
]


@pytest.fixture
def deck(programme):
    """The programme and the learning seed: Devon's, North Lincolnshire's and NCB's published examples."""
    learning_seed.load()


# The page and the header box ------------------------------------------------------------------------------


def test_every_page_has_a_labelled_search_box_in_the_header(client, programme):
    html = client.get(reverse("home")).content.decode()
    assert '<form class="header-search' in html
    assert 'role="search"' in html and f'action="{SEARCH_URL}"' in html and 'method="get"' in html
    assert '<label class="visually-hidden" for="header-search-q">Search the portal</label>' in html
    assert 'id="header-search-q" name="q"' in html


def test_search_page_has_one_h1_and_keeps_the_query(client, deck):
    html = search(client, "peer review").content.decode()
    assert html.count("<h1") == 1
    assert 'id="search-q" name="q" value="peer review"' in html
    assert "<title>Search: peer review – EA Portal</title>" in html


def test_finds_every_kind_of_content_with_its_type_and_label(client, deck, partnership_a):
    make_resource("Quokka audit tool", "Check arrangements.", kind=ResourceKind.TEMPLATE, themes=["learning-reviews"])
    make_faq("Who pays the quokka?", "The three partners share quokka costs.")
    make_newsletter("Quokka news, spring", "All about the quokka.")
    make_published_example("Quokka workshops", partnership_a, stage=Stage.EVALUATED_LOCALLY)
    found = {result.kind: result for result in results(search(client, "quokka"))}
    assert set(found) == {"Learning example", "Resource", "FAQ", "Newsletter issue"}
    assert "Stage: Evaluated locally" in found["Learning example"].html
    assert "Devon, Plymouth, Torbay" in found["Learning example"].html
    assert "Template" in found["Resource"].html
    assert found["FAQ"].title == "Who pays the quokka?"

    theme_results = results(search(client, "contextual safeguarding"))
    assert ("Contextual safeguarding", "Theme") in [(result.title, result.kind) for result in theme_results]


def test_finds_a_partnership_by_a_member_authoritys_name(client, programme):
    found = results(search(client, "Gateshead"))
    assert found[0].kind == "Early Adopter partnership"
    assert found[0].title.startswith("Northumberland, Gateshead")
    assert found[0].url == Partnership.objects.get(name__startswith="Northumberland").get_absolute_url()


def test_a_misspelled_partnership_name_still_finds_it(client, programme):
    # On SQLite the shorter spelling is found inside the name; on PostgreSQL by trigram similarity.
    assert "Calderdale" in titles(search(client, "Calderdal"))


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_queries_give_a_page_never_an_error(client, deck, query):
    response = search(client, query)
    assert response.status_code == 200
    assert "<h1>Search</h1>" in response.content.decode()


@pytest.mark.parametrize("query", ["the", "the and of", ":*", "&", "!"])
def test_a_query_with_nothing_to_search_for_finds_nothing_and_says_so(client, deck, query):
    response = search(client, query)
    assert titles(response) == []
    html = response.content.decode()
    assert "0 results" in html
    assert "very common words" in html


def test_a_very_long_query_is_shortened_and_says_so(client, deck):
    response = search(client, "peer review " + "x" * 10_000)
    html = response.content.decode()
    assert f"only its first {MAX_QUERY_LENGTH} characters were used" in html
    assert f'maxlength="{MAX_QUERY_LENGTH}"' in html


def test_an_empty_search_shows_everything_newest_first(client, deck):
    response = search(client)
    html = response.content.decode()
    assert "Everything on the portal" in html
    total = SearchEntry.objects.count()
    assert f"{total} results" in html


def test_snippets_are_escaped_and_highlight_the_words(client, programme):
    make_published_example(
        "Escaping check",
        summary="Zanzibar practice: <script>alert('x')</script> & <b>bold</b> claims.",
    )
    [result] = results(search(client, "zanzibar"))
    assert "<script>" not in result.html and "<b>" not in result.html
    assert "&lt;script&gt;" in result.snippet_html
    assert "<mark>zanzibar</mark>" in result.snippet_html.lower()
    assert "<script>alert('x')</script>" in result.snippet


# Who sees what --------------------------------------------------------------------------------------------


@pytest.fixture
def draft_and_published(partnership_a):
    published = make_published_example("Published walrus approach", partnership_a, summary="A walrus approach.")
    draft = make_example(partnership_a, state=State.DRAFT, title="Draft walrus plan", summary="Secret walrus draft.")
    submitted = make_example(
        partnership_a, state=State.SUBMITTED, title="Submitted walrus plan", summary="Secret walrus submitted."
    )
    return published, draft, submitted


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, {"Published walrus approach"}),
        ("lead_b", {"Published walrus approach"}),
        ("lead_a", {"Published walrus approach", "Draft walrus plan", "Submitted walrus plan"}),
        ("facilitator", {"Published walrus approach", "Draft walrus plan", "Submitted walrus plan"}),
    ],
)
def test_unpublished_examples_are_found_only_by_those_who_may_open_them(
    request, client_for, draft_and_published, facilitator, lead_a, lead_b, who, expected
):
    client = client_for(request.getfixturevalue(who) if who else None)
    response = search(client, "walrus")
    assert set(titles(response)) == expected
    html = response.content.decode()
    # Nor in the counts of the facets or the total, nor in any snippet.
    assert facets(response)["type"]["example"][1] == len(expected)
    assert facets(response)["partnership"]["devon-plymouth-torbay"][1] == len(expected)
    assert f"{len(expected)} result" in html
    if who in (None, "lead_b"):
        assert "Secret" not in html and "Draft walrus" not in html


def test_unpublished_examples_stay_hidden_when_browsing_and_filtering(client, draft_and_published):
    response = search(client, "", type="example", partnership="devon-plymouth-torbay")
    assert titles(response) == ["Published walrus approach"]
    assert facets(response)["type"]["example"][1] == 1


@pytest.mark.parametrize(("who", "sees_drafts"), [(None, False), ("lead_a", False), ("facilitator", True)])
def test_unpublished_resources_faqs_and_newsletters_are_found_only_by_facilitators(
    request, client_for, programme, facilitator, lead_a, who, sees_drafts
):
    make_resource("Draft okapi toolkit", published=False)
    make_faq("An okapi question?", "A draft okapi answer.", published=False)
    make_faq("An okapi question asked?", "", published=False)
    make_newsletter("Okapi newsletter draft", "Okapi.", published=False)
    make_newsletter("Okapi newsletter, published", "Okapi.")
    client = client_for(request.getfixturevalue(who) if who else None)
    found = set(titles(search(client, "okapi")))
    drafts = {"Draft okapi toolkit", "An okapi question?", "An okapi question asked?", "Okapi newsletter draft"}
    assert "Okapi newsletter, published" in found
    assert (drafts <= found) is sees_drafts
    assert (drafts & found) == (drafts if sees_drafts else set())


def test_a_published_example_disappears_from_search_once_unpublished(client, partnership_a):
    example = make_published_example("Pangolin review", partnership_a)
    assert titles(search(client, "pangolin")) == ["Pangolin review"]
    example.state = State.UNPUBLISHED
    example.save()
    assert titles(search(client, "pangolin")) == []


# Facets, sorting and pages --------------------------------------------------------------------------------


def test_facets_count_each_value_and_narrow_the_results(client, deck, partnership_a, partnership_b):
    make_published_example("Heron scheme one", partnership_a, themes=["learning-reviews"], stage=Stage.IDEA)
    make_published_example("Heron scheme two", partnership_b, themes=["learning-reviews"], stage=Stage.BEING_TESTED)
    make_published_example("Heron scheme three", partnership_b, themes=["child-death-review"], stage=Stage.IDEA)
    make_resource("Heron resource", themes=["learning-reviews"])

    response = search(client, "heron")
    shown = facets(response)
    assert shown["type"] == {"example": ("Learning example", 3, False), "resource": ("Resource", 1, False)}
    assert shown["theme"]["learning-reviews"][1] == 3
    assert shown["theme"]["child-death-review"][1] == 1
    assert shown["partnership"]["north-lincolnshire"] == ("North Lincolnshire", 2, False)
    assert shown["stage"] == {"idea": ("Idea", 2, False), "being-tested": ("Being tested", 1, False)}

    narrowed = search(client, "heron", theme="learning-reviews", partnership="north-lincolnshire")
    assert titles(narrowed) == ["Heron scheme two"]
    shown = facets(narrowed)
    assert shown["theme"]["learning-reviews"][2] is True
    # A facet's counts ignore its own choice, so a second value can be added: two partnerships, learning reviews.
    assert shown["partnership"]["devon-plymouth-torbay"][1] == 1
    assert shown["partnership"]["north-lincolnshire"][1] == 1

    either = client.get(SEARCH_URL, {"q": "heron", "partnership": ["north-lincolnshire", "devon-plymouth-torbay"]})
    assert sorted(titles(either)) == ["Heron scheme one", "Heron scheme three", "Heron scheme two"]
    assert titles(search(client, "heron", type="resource")) == ["Heron resource"]
    assert sorted(titles(search(client, "heron", stage="idea"))) == ["Heron scheme one", "Heron scheme three"]


def test_unknown_facet_values_and_sorts_are_ignored(client, deck):
    response = search(client, "peer review", theme="no-such-theme", type="spaceship", stage="x", sort="sideways")
    assert response.status_code == 200
    assert "Devon: processes in conducting its scrutiny work" in titles(response)


def test_a_chosen_value_with_no_results_stays_on_screen_to_be_unticked(client, deck):
    response = search(client, "peer review", theme="contextual-safeguarding")
    assert titles(response) == []
    assert facets(response)["theme"]["contextual-safeguarding"] == ("Contextual safeguarding", 0, True)
    assert "Search without the filters" in response.content.decode()


def test_the_facet_form_and_the_search_form_carry_the_whole_search(client, deck):
    html = search(client, "peer review", sort="date", type="example").content.decode()
    assert '<input type="hidden" name="q" value="peer review">' in html
    assert '<input type="hidden" name="sort" value="date">' in html
    assert '<input type="hidden" name="type" value="example">' in html
    assert '<option value="date" selected>' in html


def test_sort_by_date_puts_the_newest_first(client, partnership_a):
    # The older example is the more relevant (the word in its summary too), so only sorting by date can put
    # the newer one first.
    older = make_published_example("Ibis old", partnership_a, summary="An ibis, and another ibis.")
    make_published_example("Ibis new", partnership_a)
    LearningExample.objects.filter(pk=older.pk).update(published_at=timezone.now() - timezone.timedelta(days=30))
    older.save()
    assert titles(search(client, "ibis")) == ["Ibis old", "Ibis new"]
    assert titles(search(client, "ibis", sort="date")) == ["Ibis new", "Ibis old"]
    assert "newest first" in search(client, "ibis", sort="date").content.decode()


def add_examples(total, partnership, word="bulkword"):
    """Bulk-create published examples (no signals), then rebuild the index as the rebuild command would."""
    start = LearningExample.objects.count()
    now = timezone.now()
    examples = LearningExample.objects.bulk_create(
        LearningExample(
            title=f"{word.title()} example {n}",
            slug=f"{word}-example-{n}",
            partnership=partnership,
            summary=f"A {word} summary.",
            what_was_done=f"The {word} was done.",
            contact_name="Contact",
            state=State.PUBLISHED,
            stage=Stage.IDEA,
            published_at=now,
        )
        for n in range(start, total)
    )
    LearningExample.themes.through.objects.bulk_create(
        LearningExample.themes.through(learningexample_id=example.pk, theme_id=theme("learning-reviews").pk)
        for example in examples
    )
    rebuild()


def test_results_are_paginated_keeping_the_search(client, partnership_a):
    add_examples(RESULTS_PER_PAGE + 5, partnership_a)
    first = search(client, "bulkword", type="example")
    assert len(titles(first)) == RESULTS_PER_PAGE
    html = first.content.decode()
    assert "Page 1 of 2" in html
    assert "?q=bulkword&amp;type=example&amp;page=2" in html
    second = search(client, "bulkword", type="example", page=2)
    assert len(titles(second)) == 5
    assert not set(titles(first)) & set(titles(second))
    assert search(client, "bulkword", page="abc").status_code == 200


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_the_search_page_query_count_is_fixed_however_many_results(
    client_for, partnership_a, lead_a, django_assert_num_queries, sort
):
    for total in (5, 120):
        add_examples(total, partnership_a)
        visitor = client_for(None)
        # 1 the themes and 2 the partnerships (facet labels, slugs in the URL); 3 the results counted by type,
        # partnership, stage and themes (one GROUP BY on the index's own columns; every facet and the total are
        # summed from it); 4 the page of results with snippets.
        with django_assert_num_queries(4):
            response = search(visitor, "bulkword", sort=sort, theme="learning-reviews")
        assert len(titles(response)) == min(total, RESULTS_PER_PAGE)
        assert f"{total} results" in response.content.decode()
        # A lead: the session (1), the user (2), the facilitator check (3) and the led partnerships (4), then
        # the same four.
        lead = client_for(lead_a)
        with django_assert_num_queries(8):
            lead_response = search(lead, "bulkword", sort=sort)
        assert len(titles(lead_response)) == min(total, RESULTS_PER_PAGE)


# Keeping the index up to date -----------------------------------------------------------------------------


def test_editing_an_example_updates_what_finds_it(client, partnership_a):
    example = make_published_example("Lemur mentoring", partnership_a)
    assert titles(search(client, "lemur")) == ["Lemur mentoring"]
    example.title = "Gibbon mentoring"
    example.save()
    assert titles(search(client, "lemur")) == []
    assert titles(search(client, "gibbon")) == ["Gibbon mentoring"]
    example.themes.add(theme("child-death-review"))
    assert facets(search(client, "gibbon"))["theme"]["child-death-review"][1] == 1
    example.themes.clear()
    assert "theme" not in facets(search(client, "gibbon"))


def test_deleting_content_removes_it_from_the_index(client, partnership_a):
    example = make_published_example("Tapir mentoring", partnership_a)
    resource = make_resource("Tapir toolkit")
    assert len(titles(search(client, "tapir"))) == 2
    example.delete()
    resource.delete()
    assert titles(search(client, "tapir")) == []
    assert not SearchEntry.objects.filter(title__icontains="tapir").exists()


def test_renaming_a_theme_updates_every_entry_with_it(client, partnership_a):
    make_published_example("Narwhal work", partnership_a, themes=["information-sharing"])
    renamed = theme("information-sharing")
    renamed.name = "Sharing information between agencies"
    renamed.save()
    found = results(search(client, "narwhal"))
    assert "Themes: Sharing information between agencies" in found[0].html
    assert "Sharing information between agencies" in titles(search(client, "sharing information between agencies"))


def test_a_new_authority_finds_its_partnership(client, programme):
    partnership = Partnership.objects.get(slug="york")
    LocalAuthority.objects.create(name="Ryedale", slug="ryedale", partnership=partnership)
    assert titles(search(client, "Ryedale")) == ["York"]


def test_deleting_a_theme_removes_it_from_entries(client, partnership_a):
    make_published_example("Axolotl work", partnership_a, themes=["information-sharing", "learning-reviews"])
    theme("information-sharing").delete()
    [result] = results(search(client, "axolotl"))
    assert "Information sharing" not in result.html
    assert "Themes: Learning reviews" in result.html


def test_rebuild_command_indexes_everything(deck):
    SearchEntry.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    counts = dict(SearchEntry.objects.values_list("kind").annotate(total=Count("pk")))
    assert counts == {SearchKind.EXAMPLE: 4, SearchKind.THEME: 11, SearchKind.PARTNERSHIP: 17}
    assert "Search index rebuilt: " in out.getvalue() and "4 learning examples" in out.getvalue()


def test_load_programme_leaves_a_working_index(client, db):
    call_command("load_programme", stdout=io.StringIO())
    assert SearchEntry.objects.filter(kind=SearchKind.EXAMPLE).count() == 4
    assert titles(search(client, "peer review"))[0] == "Devon: processes in conducting its scrutiny work"


# Related examples -----------------------------------------------------------------------------------------


def test_related_examples_share_themes_and_are_published(partnership_a, partnership_b):
    example = make_published_example("Kestrel audit", partnership_a, themes=["learning-reviews", "child-death-review"])
    both = make_published_example("Both themes", partnership_b, themes=["learning-reviews", "child-death-review"])
    one = make_published_example("One theme", partnership_b, themes=["learning-reviews"])
    make_published_example("No shared theme", partnership_b, themes=["contextual-safeguarding"])
    make_example(partnership_a, state=State.DRAFT, title="Draft sharing both", themes=["learning-reviews"])
    theme_ids = list(example.themes.values_list("pk", flat=True))
    with_related = related_examples(example, theme_ids)
    assert with_related[:2] == [both, one]
    assert all(other.is_published and other != example for other in with_related)
    assert "Draft sharing both" not in [other.title for other in with_related]
    if connection.vendor != "postgresql":
        assert len(with_related) == 2


def test_an_example_page_lists_related_examples_most_shared_themes_first(client, partnership_a, partnership_b):
    example = make_published_example("Kestrel audit", partnership_a, themes=["learning-reviews", "child-death-review"])
    make_published_example("One theme", partnership_b, themes=["learning-reviews"])
    make_published_example("Both themes", partnership_b, themes=["learning-reviews", "child-death-review"])
    make_example(partnership_b, state=State.DRAFT, title="Draft sharing both", themes=["learning-reviews"])
    html = client.get(example.get_absolute_url()).content.decode()
    related = html[html.index('id="related-heading"') :]
    assert related.index("Both themes") < related.index("One theme")
    assert "Draft sharing both" not in html


@pytest.mark.django_db(transaction=True)
def test_changes_are_indexed_on_commit_even_after_a_rolled_back_transaction(partnership_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_published_example("Rolled back okapi", partnership_a)
        raise RuntimeError
    make_published_example("Committed okapi", partnership_a)
    # Read without flushing: the commit itself must have written the entry.
    assert list(SearchEntry.objects.filter(title__endswith="okapi").values_list("title", flat=True)) == [
        "Committed okapi"
    ]
