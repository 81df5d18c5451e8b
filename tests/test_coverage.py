"""The coverage charts on the public matrix and theme pages, and the public coverage and gaps page."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.models import LearningExample, Stage, State
from partnerships.models import SiteApproach, Theme
from tests.chart_data import add_examples, bar_chart_numbers, chart_svg, chart_table, same_label, svg_title
from tests.html import parse_tables, visible_text
from tests.test_feeds import sitemap_locations

MATRIX_URL = reverse("partnerships:matrix")
THEMES_URL = reverse("partnerships:theme_list")
COVERAGE_URL = reverse("dashboard:coverage")
# The deck's own examples have no stage: counted as "Stage not recorded".
STAGE_LABELS = ["Idea", "Being tested", "Evaluated locally", "Independently evaluated", "Stage not recorded"]
EXAMPLES_TITLE = "Published learning examples on each theme, by stage of development"


@pytest.fixture
def examples(partnership_a, partnership_b):
    """A spread of examples: published ones on several themes and stages, and some that are not published."""
    now = timezone.now()
    specs = [
        {"partnership": partnership_a, "themes": ["learning-reviews"], "stage": Stage.IDEA},
        {
            "partnership": partnership_a,
            "themes": ["learning-reviews", "voice-of-children-young-people-and-families"],
            "stage": Stage.EVALUATED_LOCALLY,
        },
        {"partnership": partnership_b, "themes": ["independent-scrutiny"], "stage": Stage.INDEPENDENTLY_EVALUATED},
        {"partnership": partnership_b, "themes": ["independent-scrutiny"], "stage": Stage.INDEPENDENTLY_EVALUATED},
        {
            "partnership": partnership_b,
            "themes": ["independent-scrutiny", "resourcing-and-funding"],
            "stage": Stage.BEING_TESTED,
        },
        {"partnership": None, "themes": ["structural-arrangements"], "stage": Stage.BEING_TESTED},
        # Not published: counted nowhere on the public pages.
        {"partnership": partnership_a, "themes": ["contextual-safeguarding"], "state": State.DRAFT},
        {"partnership": partnership_a, "themes": ["practice-challenges"], "state": State.SUBMITTED},
        {"partnership": partnership_b, "themes": ["child-death-review"], "state": State.UNPUBLISHED},
    ]
    for spec in specs:
        spec.setdefault("published_at", now if spec.get("state", State.PUBLISHED) == State.PUBLISHED else None)
    add_examples(*specs)
    return specs


def expected_stage_counts(specs):
    """{theme slug: [count per stage]} of the published examples, counted here from the specs themselves."""
    counts = Counter(
        (slug, spec["stage"])
        for spec in specs
        if spec.get("state", State.PUBLISHED) == State.PUBLISHED
        for slug in spec["themes"]
    )
    return {theme.slug: [counts[(theme.slug, stage)] for stage in [*Stage, ""]] for theme in Theme.objects.all()}


def assert_stage_chart(html, themes, label, expected, chart_id="examples-per-theme"):
    svg = chart_svg(html, chart_id)
    assert svg_title(svg) == EXAMPLES_TITLE
    bars = bar_chart_numbers(svg, stacked=True)
    assert len(bars) == len(themes)
    for (shown, segments, total), theme in zip(bars, themes, strict=True):
        assert same_label(shown, label(theme))
        wanted = expected[theme.slug]
        assert segments == {stage: n for stage, n in zip(STAGE_LABELS, wanted, strict=True) if n}
        assert total == sum(wanted)
    headings, rows = chart_table(html, EXAMPLES_TITLE)
    assert headings == ["Theme", *STAGE_LABELS, "Total"]
    assert rows == {label(theme): [*expected[theme.slug], sum(expected[theme.slug])] for theme in themes}


@pytest.mark.django_db
def test_matrix_charts_published_examples_per_approach_by_stage(client, examples):
    html = client.get(MATRIX_URL).content.decode()
    themes = list(Theme.objects.in_matrix())
    assert_stage_chart(html, themes, lambda theme: theme.column_label, expected_stage_counts(examples))
    # The figures as the test wrote them, not only as the view computed them.
    assert expected_stage_counts(examples)["independent-scrutiny"] == [0, 1, 0, 2, 0]
    assert f'href="{COVERAGE_URL}"' in html


@pytest.mark.django_db
def test_matrix_partnerships_chart_is_well_formed_and_matches_the_totals(client, programme):
    html = client.get(MATRIX_URL).content.decode()
    svg = chart_svg(html, "partnerships-per-theme")
    assert svg_title(svg) == "Partnerships working on each approach"
    marks = Counter(SiteApproach.objects.values_list("theme__matrix_label", flat=True))
    bars = bar_chart_numbers(svg, stacked=False)
    assert {label: total for label, _, total in bars} == marks
    _, rows = chart_table(html, "Partnerships working on each approach")
    assert rows == {label: [n] for label, n in marks.items()}


@pytest.mark.django_db
def test_theme_list_charts_partnerships_and_examples_for_every_theme(client, examples):
    html = client.get(THEMES_URL).content.decode()
    themes = list(Theme.objects.all())
    assert len(themes) == 11
    assert_stage_chart(html, themes, lambda theme: theme.name, expected_stage_counts(examples))
    svg = chart_svg(html, "partnerships-per-theme")
    assert svg_title(svg) == "Partnerships working on each theme"
    marks = Counter(SiteApproach.objects.values_list("theme__name", flat=True))
    _, rows = chart_table(html, "Partnerships working on each theme")
    assert rows == {theme.name: [marks[theme.name]] for theme in themes}
    assert [total for _, _, total in bar_chart_numbers(svg, stacked=False)] == [marks[t.name] for t in themes]


@pytest.mark.django_db
def test_theme_page_charts_its_examples_by_stage(client, examples):
    html = client.get(reverse("partnerships:theme_detail", args=["independent-scrutiny"])).content.decode()
    svg = chart_svg(html, "theme-examples-by-stage")
    title = "Published learning examples on Independent scrutiny, by stage of development"
    assert svg_title(svg) == title
    expected = dict(zip(STAGE_LABELS, expected_stage_counts(examples)["independent-scrutiny"], strict=True))
    # "Stage not recorded" is a bar only when some example has no stage.
    del expected["Stage not recorded"]
    assert {label: total for label, _, total in bar_chart_numbers(svg, stacked=False)} == expected
    headings, rows = chart_table(html, title)
    assert headings == ["Stage of development", "Examples"]
    assert rows == {label: [n] for label, n in expected.items()}


@pytest.mark.django_db
def test_each_bar_links_to_the_list_of_the_examples_it_counts(client, examples):
    html = client.get(reverse("partnerships:theme_detail", args=["independent-scrutiny"])).content.decode()
    _, rows = chart_table(html, "Published learning examples on Independent scrutiny, by stage of development")
    links = re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>', html)
    stage_links = {label: url.replace("&amp;", "&") for url, label in links if label in STAGE_LABELS}
    assert set(stage_links) == set(STAGE_LABELS) - {"Stage not recorded"}
    for label, (count,) in rows.items():
        listed = visible_text(client.get(stage_links[label]).content)
        assert f"{count} learning example{'s' if count != 1 else ''} match" in listed


@pytest.mark.django_db
def test_examples_without_a_stage_are_charted_as_stage_not_recorded(client, examples):
    LearningExample.objects.filter(themes__slug="structural-arrangements").update(stage="")
    html = client.get(reverse("partnerships:theme_detail", args=["structural-arrangements"])).content.decode()
    _, rows = chart_table(html, "Published learning examples on Structural arrangements, by stage of development")
    assert rows["Stage not recorded"] == [1] and rows["Being tested"] == [0]


@pytest.mark.django_db
def test_chart_descriptions_give_the_totals_in_words(client, examples):
    html = client.get(THEMES_URL).content.decode()
    description = chart_svg(html, "examples-per-theme").find("{http://www.w3.org/2000/svg}desc").text
    counts = {slug: sum(n) for slug, n in expected_stage_counts(examples).items()}
    assert "The most are on Independent scrutiny, with 3." in description
    assert max(counts.values()) == counts["independent-scrutiny"] == 3
    uncovered = sum(1 for n in counts.values() if not n)
    assert f"{uncovered} of the 11 themes have no published example yet" in description
    assert "Independently evaluated" in description


# The coverage and gaps page ----------------------------------------------------------------------------------


def section_links(html, section_id):
    """The link texts in one section of the page, in order."""
    section = re.search(rf'<h2 id="{section_id}".*?</section>', html, re.S).group(0)
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', section)


@pytest.mark.django_db
def test_coverage_lists_themes_and_enquiry_lines_without_published_examples(client, examples):
    html = client.get(COVERAGE_URL).content.decode()
    covered = {slug for slug, counts in expected_stage_counts(examples).items() if sum(counts)}
    assert covered == {
        "learning-reviews",
        "voice-of-children-young-people-and-families",
        "independent-scrutiny",
        "resourcing-and-funding",
        "structural-arrangements",
    }
    uncovered = Theme.objects.exclude(slug__in=covered)
    assert section_links(html, "themes-without-examples") == [theme.name for theme in uncovered]
    lines = uncovered.filter(enquiry_order__isnull=False).order_by("enquiry_order")
    assert section_links(html, "lines-without-examples")[1:] == [theme.enquiry_line for theme in lines]
    assert "Regional Alignment of CDR" in [theme.enquiry_line for theme in lines], "unpublished examples don't count"
    for theme in uncovered:
        assert f'href="{theme.get_absolute_url()}"' in html


@pytest.mark.django_db
def test_coverage_lists_matrix_marks_without_an_example_from_that_partnership(
    client, examples, partnership_a, partnership_b
):
    tables = {table["thead"][0][0]["text"]: table for table in parse_tables(client.get(COVERAGE_URL).content.decode())}
    listed = {(row[0]["text"], row[1]["text"]) for row in tables["Partnership"]["tbody"]}
    # Devon's learning reviews mark has a published example; its practice challenges example is only submitted.
    assert (partnership_a.name, "Local reviews") not in listed
    assert (partnership_a.name, "Practice challenges") in listed
    # North Lincolnshire has published on independent scrutiny, not on its other two approaches.
    assert (partnership_b.name, "Ind. Scrutiny") not in listed
    assert (partnership_b.name, "Engagement with schools") in listed
    assert (partnership_b.name, "Contextual safeguarding") in listed
    assert len(listed) == SiteApproach.objects.count() - 2 == 34


@pytest.mark.django_db
def test_coverage_lists_published_examples_not_updated_for_more_than_a_year(client, partnership_a):
    now = timezone.now()
    stale, _recent, _old_draft = add_examples(
        {
            "title": "Untouched for 13 months",
            "partnership": partnership_a,
            "published_at": now - timedelta(days=500),
            "updated": now - timedelta(days=400),
        },
        {
            "title": "Updated 11 months ago",
            "published_at": now - timedelta(days=500),
            "updated": now - timedelta(days=335),
        },
        {"title": "An old draft", "state": State.DRAFT, "updated": now - timedelta(days=800)},
    )
    html = client.get(COVERAGE_URL).content.decode()
    assert section_links(html, "stale-examples") == ["Untouched for 13 months"]
    assert f'href="{stale.get_absolute_url()}"' in html
    assert "1 example not updated for more than a year" in visible_text(html)


@pytest.mark.django_db
def test_coverage_with_no_examples_lists_every_theme_as_a_gap(client, programme):
    html = client.get(COVERAGE_URL).content.decode()
    assert len(section_links(html, "themes-without-examples")) == Theme.objects.count()
    assert "Every published example has been updated within the last year." in html
    bars = bar_chart_numbers(chart_svg(html, "coverage-examples-per-theme"), stacked=True)
    assert all(total == 0 for _, _, total in bars)


@pytest.mark.django_db
def test_coverage_page_query_count_does_not_grow(client, programme, django_assert_num_queries):
    long_ago = timezone.now() - timedelta(days=800)
    for total in (10, 300):
        have = LearningExample.objects.count()
        add_examples(
            *[
                {
                    "themes": ["independent-scrutiny", "learning-reviews"],
                    "stage": list(Stage)[n % 4],
                    "published_at": long_ago,
                    "updated": long_ago,
                }
                for n in range(have, total)
            ]
        )
        # 1 the themes with their published examples counted per stage (chart and theme gaps), 2 the matrix
        # marks with no published example, 3 the number of stale examples (paginator), 4 a page of them.
        with django_assert_num_queries(4):
            response = client.get(COVERAGE_URL)
        assert f"{total} examples not updated" in visible_text(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # 1 the matrix themes, 2 the partnerships, 3 their marks, 4 the matrix themes with their published
        # examples counted per stage (chart), 5 the theme checkboxes of the filter form.
        (MATRIX_URL, 5),
        # 1 the themes with their partnership counts (list and chart), 2 the themes with their published examples
        # counted per stage (chart).
        (THEMES_URL, 2),
        # 1 the theme, 2 its published examples counted per stage (learning's chart tag), 3 its partnerships'
        # approaches, 4 its newest published examples, 5 how many it has, 6 its questions and approaches, 7 its
        # first resources, 8 how many, 9 its first FAQs, 10 how many (the page lists the first, links to all).
        (reverse("partnerships:theme_detail", args=["learning-reviews"]), 10),
    ],
)
def test_public_chart_query_counts_do_not_grow_with_examples(
    client, programme, django_assert_num_queries, url, expected
):
    for total in (10, 300):
        have = LearningExample.objects.count()
        add_examples(
            *[
                {"themes": ["learning-reviews"], "stage": list(Stage)[n % 4], "published_at": timezone.now()}
                for n in range(have, total)
            ]
        )
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_coverage_page_is_public_and_linked_from_the_theme_pages(client, programme):
    assert client.get(COVERAGE_URL).status_code == 200
    for url in (THEMES_URL, reverse("partnerships:theme_detail", args=["learning-reviews"])):
        assert f'href="{COVERAGE_URL}"' in client.get(url).content.decode()


def test_coverage_page_is_in_the_sitemap(client, programme, settings):
    locations = sitemap_locations(client, settings.PORTAL_BASE_URL.rstrip("/"))
    assert any(location.endswith(reverse("dashboard:coverage")) for location in locations)
