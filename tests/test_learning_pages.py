"""The public learning pages: the enquiry framework, /learning/ and its filters, an example's page, theme pages,
the stage guide; Markdown sanitisation; the deck's content; query counts as examples grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ea_portal.search.indexing import rebuild
from learning import seed
from learning.models import MARKDOWN_FIELDS, CuratedItem, ItemKind, LearningExample, Stage, State
from partnerships.models import Partnership, Theme
from tests.html import parse_tables, visible_text
from tests.learning_data import make_example

LIST_URL = reverse("learning:example_list")


@pytest.fixture
def deck(programme):
    seed.load()


# The deck's content --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_loads_the_decks_examples_and_questions_once(deck):
    assert set(LearningExample.objects.published().values_list("slug", flat=True)) == {
        "devon-scrutiny-processes",
        "north-lincolnshire-scrutiny-and-assurance-framework",
        "role-of-the-independent-scrutineer",
        "west-berkshire-workshop-questions-wider-partners",
    }
    # The deck gives no stage, contact, context or date: none is invented (tests/test_deck_fidelity.py checks
    # every text against the deck); pages name the deck instead of a date.
    for example in LearningExample.objects.all():
        assert example.from_deck and example.stage == "" and example.contact_name == "" and example.context == ""
    counts = (LearningExample.objects.count(), CuratedItem.objects.count())
    education = CuratedItem.objects.filter(theme__slug="engagement-with-schools")
    assert education.questions().count() == 3 and education.approaches().count() == 7
    workshops = CuratedItem.objects.filter(theme__slug="role-of-wider-partners").questions()
    assert workshops.filter(group__startswith="Approach to workshop 1").count() == 5
    assert workshops.filter(group__startswith="Approach to workshop 2").count() == 3
    assert seed.load() == {"examples": 0, "items": 0, "examples updated": 0}
    assert (LearningExample.objects.count(), CuratedItem.objects.count()) == counts


@pytest.mark.django_db
def test_seed_does_not_overwrite_a_facilitators_corrections(deck):
    LearningExample.objects.filter(slug="devon-scrutiny-processes").update(title="Corrected by NCB")
    seed.load()
    assert LearningExample.objects.get(slug="devon-scrutiny-processes").title == "Corrected by NCB"


@pytest.mark.django_db
def test_devon_example_page_shows_the_decks_text_and_partnership_and_no_invented_facts(client, deck):
    response = client.get(reverse("learning:example_detail", args=["devon-scrutiny-processes"]))
    html = response.content.decode()
    assert html.count("<h1") == 1
    text = visible_text(html)
    assert "Devon, Plymouth, Torbay (South West)" in text and "internal peer reviews within Devon" in text
    assert "From NCB's interim learning deck (2018/19)" in text
    # The deck gives no stage, context, contact or date, so the page shows none (empty sections left out).
    main = visible_text(html.split('<main id="main"')[1].split("</main>")[0])
    for absent in ["Stage", "Context", "What was done", "Contact", "Published", "Last updated"]:
        assert absent not in main
    assert "Independent scrutiny" in text
    assert "<li>Developing partnering arrangements with neighbouring safeguarding partners" in html
    # The related examples share its theme.
    assert "North Lincolnshire: Children's MARS Board Scrutiny and Assurance Framework" in text
    assert "print.css" in html and 'class="no-print"' in html


@pytest.mark.django_db
def test_workshop_2c_keeps_its_either_or_options_on_the_theme_page(client, deck):
    html = client.get(reverse("partnerships:theme_detail", args=["role-of-wider-partners"])).content.decode()
    text = visible_text(html)
    assert "Questions to consider" in text and "Approach to workshop 1" in text
    assert "(please consider each bullet point below)" in text
    assert "Receive all Q&P data reports; or receive only an exception report" in text
    # The deck's either/or options stay a list of four, each with its "or".
    (options,) = [part for part in html.split("<ul>") if "Receive all Q&amp;P data reports" in part]
    assert options.split("</ul>")[0].count("<li>") == 4


@pytest.mark.django_db
def test_theme_page_shows_published_examples_questions_and_approaches(client, deck, partnership_a):
    make_example(partnership_a, State.DRAFT, title="A draft nobody else sees", themes=["engagement-with-schools"])
    make_example(partnership_a, State.PUBLISHED, title="Governors as champions", themes=["engagement-with-schools"])
    text = visible_text(client.get(reverse("partnerships:theme_detail", args=["engagement-with-schools"])).content)
    assert "Governors as champions" in text and "A draft nobody else sees" not in text
    assert "What is the role of schools and other wider community partners" in text
    assert "Peer auditing schools" in text and "The role of education" in text
    assert text.index("Questions to consider") < text.index("Approaches being taken")


@pytest.mark.django_db
def test_theme_page_says_when_it_has_no_learning_yet(client, programme):
    text = visible_text(client.get(reverse("partnerships:theme_detail", args=["information-sharing"])).content)
    assert "No learning examples have been published on this theme yet." in text
    assert "NCB has not added questions to consider for this theme yet." in text


# The enquiry framework -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_enquiry_framework_lists_nine_lines_with_published_counts(client, deck, partnership_a):
    make_example(partnership_a, State.DRAFT, themes=["independent-scrutiny"])
    make_example(partnership_a, State.PUBLISHED, title="Learning review at pace", themes=["learning-reviews"])
    response = client.get(reverse("learning:enquiry_framework"))
    html = response.content.decode()
    assert "How can effective local arrangements be led equally by the three safeguarding partners" in html
    (table,) = parse_tables(html)
    focus = "Focus of this interim learning"
    rows = {
        row[0]["text"].replace(focus, "").strip(): (row[1]["text"], row[2]["text"].split()[0]) for row in table["tbody"]
    }
    # The lines the deck sets in bold are named as its focus, in words.
    assert [row[0]["text"] for row in table["tbody"] if focus in row[0]["text"]] == [
        f"Independent Scrutiny {focus}",
        f"Learning Reviews {focus}",
        f"Role of Wider Partners {focus}",
    ]
    assert list(rows) == [
        "Structural arrangements",
        "Independent Scrutiny",
        "Learning Reviews",
        "Role of Children, Young People and Families",
        "Role of Wider Partners",
        "Addressing Local Practice Challenges",
        "Information Sharing",
        "Regional Alignment of CDR",
        "Resourcing",
    ]
    assert rows["Independent Scrutiny"] == ("Independent scrutiny", "3")
    assert rows["Learning Reviews"] == ("Learning reviews", "1")
    assert rows["Resourcing"] == ("Resourcing and funding", "0")
    assert f'href="{reverse("partnerships:theme_detail", args=["information-sharing"])}"' in html
    assert f'href="{LIST_URL}?theme=independent-scrutiny"' in html


@pytest.mark.django_db
def test_enquiry_framework_is_one_query_however_many_examples(client, deck, partnership_a, django_assert_num_queries):
    add_published_examples(200, partnership_a)
    # 1 the lines of enquiry with their published example counts (annotated), 2 the role of education's items.
    with django_assert_num_queries(2):
        client.get(reverse("learning:enquiry_framework"))


# /learning/ ---------------------------------------------------------------------------------------------


def titles(response):
    assert response.status_code == 200
    html = response.content.decode()
    return [visible_text(part.split("</a>")[0].split(">", 2)[-1]) for part in html.split('<h2 class="h4 mb-1"')[1:]]


@pytest.mark.django_db
def test_list_shows_published_examples_newest_first(client, deck, partnership_a, partnership_b):
    make_example(partnership_a, State.DRAFT, title="Unpublished draft")
    make_example(partnership_a, State.SUBMITTED, title="Waiting for review")
    newest = make_example(partnership_b, State.PUBLISHED, title="Newest published")
    listed = titles(client.get(LIST_URL))
    assert listed[0] == newest.title
    assert "Unpublished draft" not in listed and "Waiting for review" not in listed
    assert len(listed) == 5  # the newest and the deck's four


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"theme": "contextual-safeguarding"}, ["Exploitation hub", "County lines mapping"]),
        ({"partnership": "north-lincolnshire"}, ["Exploitation hub"]),
        ({"region": "south-west"}, ["Unrelated review", "County lines mapping"]),
        ({"stage": Stage.INDEPENDENTLY_EVALUATED}, ["County lines mapping"]),
        ({"q": "lines mapping"}, ["County lines mapping"]),
        ({"q": "HUB"}, ["Exploitation hub"]),
        ({"theme": "contextual-safeguarding", "region": "london"}, []),
    ],
)
def test_list_filters(client, programme, partnership_a, partnership_b, params, expected):
    hub = make_example(partnership_b, State.PUBLISHED, title="Exploitation hub", themes=["contextual-safeguarding"])
    make_example(
        partnership_a,
        State.PUBLISHED,
        title="County lines mapping",
        themes=["contextual-safeguarding"],
        stage=Stage.INDEPENDENTLY_EVALUATED,
    )
    make_example(partnership_a, State.PUBLISHED, title="Unrelated review", themes=["learning-reviews"])
    LearningExample.objects.filter(pk=hub.pk).update(published_at=timezone.now() + timezone.timedelta(minutes=1))
    response = client.get(LIST_URL, params)
    assert titles(response) == expected
    if not expected:
        assert "No learning example matches these filters" in response.content.decode()


@pytest.mark.django_db
def test_list_filters_live_in_the_url_and_pagination_keeps_them(client, programme, partnership_a):
    add_published_examples(45, partnership_a, theme="practice-challenges")
    response = client.get(LIST_URL, {"theme": "practice-challenges"})
    html = response.content.decode()
    assert len(titles(response)) == 20 and "Page 1 of 3" in html
    assert "?theme=practice-challenges&amp;page=2" in html
    assert '<option value="practice-challenges" selected>' in html
    assert len(titles(client.get(LIST_URL, {"theme": "practice-challenges", "page": 3}))) == 5


@pytest.mark.django_db
def test_unknown_filter_value_is_explained(client, programme):
    response = client.get(LIST_URL, {"theme": "no-such-theme"})
    assert response.status_code == 200 and "not one of the available choices" in response.content.decode()


@pytest.mark.django_db
def test_stage_guide_explains_every_label(client, programme):
    text = visible_text(client.get(reverse("learning:stage_guide")).content)
    for stage in Stage:
        assert f"Stage: {stage.label}" in text
    assert "evaluated by someone independent of the partnership" in text


# Sanitisation --------------------------------------------------------------------------------------------

ATTACKS = (
    "Intro <script>alert('s')</script> "
    '<img src="x" onerror="alert(1)"> <a href="#" onclick="alert(2)">click</a> '
    "[bad link](javascript:alert(3)) [ok link](https://example.org/report) "
    '<a href="JaVaScRiPt:alert(4)">raw</a> <iframe src="https://evil.example"></iframe>'
)


@pytest.mark.django_db
@pytest.mark.parametrize("field", MARKDOWN_FIELDS)
def test_markdown_fields_are_rendered_and_sanitised(client, programme, partnership_a, field):
    example = make_example(partnership_a, State.PUBLISHED, **{field: f"**Bold {field}**\n\n{ATTACKS}"})
    html = client.get(example.get_absolute_url()).content.decode()
    assert f"<strong>Bold {field}</strong>" in html
    lowered = html.lower()
    assert "<script>alert" not in lowered and "alert('s')" not in lowered
    assert "onerror" not in lowered and "onclick" not in lowered
    assert "javascript:" not in lowered and "<iframe" not in lowered and "<img" not in lowered
    assert 'href="https://example.org/report"' in html
    # The list page renders the summary through the same sanitiser.
    list_html = client.get(LIST_URL).content.decode().lower()
    assert "javascript:" not in list_html and "onerror" not in list_html and "<script>alert" not in list_html


@pytest.mark.django_db
def test_curated_items_are_sanitised_on_the_theme_page(client, programme):
    CuratedItem.objects.create(
        theme=Theme.objects.get(slug="information-sharing"), kind=ItemKind.APPROACH, text=f"An approach. {ATTACKS}"
    )
    html = client.get(reverse("partnerships:theme_detail", args=["information-sharing"])).content.decode().lower()
    assert "an approach." in html
    assert "javascript:" not in html and "onerror" not in html and "onclick" not in html and "<script>alert" not in html


@pytest.mark.django_db
def test_markdown_headings_never_make_a_second_h1(client, programme, partnership_a):
    example = make_example(partnership_a, State.PUBLISHED, context="# A big heading\n\nText.")
    html = client.get(example.get_absolute_url()).content.decode()
    assert html.count("<h1") == 1 and "<h3>A big heading</h3>" in html


# Query counts --------------------------------------------------------------------------------------------


def add_published_examples(total, partnership, theme="independent-scrutiny"):
    """Bulk-create published examples (with a theme each) until there are `total` of them."""
    start = LearningExample.objects.count()
    now = timezone.now()
    examples = LearningExample.objects.bulk_create(
        LearningExample(
            title=f"Bulk example {n}",
            slug=f"bulk-example-{n}",
            partnership=partnership,
            summary="A bulk example.",
            contact_name="Bulk contact",
            stage=Stage.IDEA,
            state=State.PUBLISHED,
            published_at=now - timezone.timedelta(minutes=n),
        )
        for n in range(start, total)
    )
    theme = Theme.objects.get(slug=theme)
    LearningExample.themes.through.objects.bulk_create(
        LearningExample.themes.through(learningexample_id=example.pk, theme_id=theme.pk) for example in examples
    )


def add_submitted_examples(total, partnership):
    start = LearningExample.objects.count()
    now = timezone.now()
    LearningExample.objects.bulk_create(
        LearningExample(
            title=f"Submitted {n}",
            slug=f"submitted-{n}",
            partnership=partnership,
            summary="Waiting.",
            contact_name="Contact",
            state=State.SUBMITTED,
            submitted_at=now - timezone.timedelta(minutes=n),
        )
        for n in range(start, total)
    )


@pytest.mark.django_db
def test_learning_list_query_count_is_fixed_from_10_to_1000(
    client, programme, partnership_a, django_assert_num_queries
):
    for total in (10, 1000):
        add_published_examples(total, partnership_a)
        assert LearningExample.objects.count() == total
        # 1 count for the paginator, 2 the page of examples with their partnerships, 3 their themes
        # (prefetched), 4 the theme choices and 5 the partnership choices of the filter form.
        with django_assert_num_queries(5):
            response = client.get(LIST_URL)
        assert len(titles(response)) == min(total, 20)
        # The words filter goes through the search index, and bulk-created examples reach it only by a rebuild,
        # as after any bulk load (rebuild_search_index).
        rebuild()
        # Filtered by words, theme and stage: 1 the count and 2 the page of the matching search index entries
        # (every filter read from the entries' own columns), 3 the page's examples with their partnerships, 4
        # their themes, 5 the theme choices and 6 the partnership choices of the form, 7 the chosen theme.
        with django_assert_num_queries(7):
            response = client.get(LIST_URL, {"theme": "independent-scrutiny", "stage": Stage.IDEA, "q": "bulk"})
        assert len(titles(response)) == min(total, 20)


@pytest.mark.django_db
def test_review_queue_query_count_is_fixed_from_10_to_1000(
    client_for, facilitator, partnership_a, django_assert_num_queries
):
    client = client_for(facilitator)
    for total in (10, 1000):
        add_submitted_examples(total, partnership_a)
        # 1 the session, 2 the user, 3 the user's groups (is_facilitator, cached for the request), 4 count for
        # the paginator, 5 the page of submitted examples with partnerships, 6 their themes (prefetched), 7 count
        # of submitted revisions (none here; tests/test_learning_revisions.py counts a page of them), 8 the
        # questions waiting, for the navigation.
        with django_assert_num_queries(8):
            response = client.get(reverse("learning:review_queue"))
        assert len(parse_tables(response.content.decode())[0]["tbody"]) == min(total, 20)


@pytest.mark.django_db
def test_my_examples_query_count_is_fixed(client_for, lead_a, partnership_a, django_assert_num_queries):
    client = client_for(lead_a)
    for total in (10, 300):
        add_submitted_examples(total, partnership_a)
        # 1 the session, 2 the user, 3 the user's groups (is_facilitator), 4 the led partnerships (cached), 5 count
        # for the paginator, 6 the page of examples with partnerships and latest feedback (subquery),
        # 7 the led partnerships' names.
        with django_assert_num_queries(7):
            client.get(reverse("learning:my_examples"))


@pytest.mark.django_db
def test_theme_and_example_pages_query_counts_do_not_grow(client, deck, partnership_a):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    pages = [
        reverse("partnerships:theme_detail", args=["independent-scrutiny"]),
        reverse("learning:example_detail", args=["devon-scrutiny-processes"]),
    ]
    # The deck's examples were saved in the test's transaction, which never commits: the first view computes
    # their related examples, as the worker does after a commit in production. Count from the second view on.
    for url in pages:
        client.get(url)
    before = [count(url) for url in pages]
    add_published_examples(300, partnership_a)
    Partnership.objects.filter(pk=partnership_a.pk)  # the examples all share one partnership and theme
    assert [count(url) for url in pages] == before
