import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import Partnership, Region, SiteApproach, Theme
from tests.html import parse_tables

# The deck's matrix, written out here from the slide independently of the loader's data.
DECK_COLUMNS = [
    "Ind. Scrutiny",
    "Local reviews",
    "CDR",
    "Engagement with schools",
    "Voice of the child",
    "Practice challenges",
    "Contextual safeguarding",
    "Alternative structural model",
]
DECK_MARKS = {
    "Tameside": {"Ind. Scrutiny", "Engagement with schools", "Voice of the child"},
    "Trafford": {"Ind. Scrutiny", "Contextual safeguarding"},
    "Salford": {"Local reviews"},
    "Northumberland, Gateshead, Newcastle upon Tyne, North Tyneside, South Tyneside, Sunderland": {
        "Alternative structural model"
    },
    "Calderdale": {"Engagement with schools", "Voice of the child", "Practice challenges"},
    "North Lincolnshire": {"Ind. Scrutiny", "Engagement with schools", "Contextual safeguarding"},
    "York": {"Engagement with schools", "Voice of the child"},
    "Hertfordshire": {"Ind. Scrutiny", "Engagement with schools"},
    "Dudley, Sandwell, Walsall, Wolverhampton": {"CDR", "Alternative structural model"},
    "Birmingham": {"Local reviews"},
    "Stoke on Trent/Staffordshire": {"Engagement with schools", "Alternative structural model"},
    "Solihull": {"Engagement with schools", "Alternative structural model"},
    "Bexley, Greenwich, Lewisham": {
        "Ind. Scrutiny",
        "Local reviews",
        "CDR",
        "Practice challenges",
        "Alternative structural model",
    },
    "North West London Partnership": {"CDR"},
    "Reading, W. Berks, Wokingham": {"Engagement with schools", "Alternative structural model"},
    "Devon, Plymouth, Torbay": {"Local reviews", "Practice challenges"},
    "Wiltshire": {"Ind. Scrutiny", "Alternative structural model"},
}
MATRIX_URL = reverse("partnerships:matrix")
CSV_URL = reverse("partnerships:matrix_csv")


def matrix_table(response):
    assert response.status_code == 200
    matrix, *_charts_figures = parse_tables(response.getvalue().decode())
    return matrix


def rendered_marks(table):
    """{site: set of column labels marked}, read from the accessible text of each cell."""
    header = [cell["text"] for cell in table["thead"][0]]
    assert header[0] == "EA site"
    marks = {}
    for row in table["tbody"]:
        site, *cells = row
        assert site["tag"] == "th" and site["scope"] == "row"
        # Every cell says Yes or No in words, not only with a symbol.
        assert all(cell["text"].endswith(("Yes", "No")) for cell in cells)
        marks[site["text"]] = {header[i + 1] for i, cell in enumerate(cells) if cell["text"].endswith("Yes")}
    return marks


@pytest.mark.django_db
def test_matrix_shows_exactly_the_decks_marks(client, programme):
    table = matrix_table(client.get(MATRIX_URL))
    assert [cell["text"] for cell in table["thead"][0]] == ["EA site", *DECK_COLUMNS]
    assert all(cell["scope"] == "col" for cell in table["thead"][0])
    marks = rendered_marks(table)
    assert list(marks) == list(DECK_MARKS), "rows are the deck's sites in the deck's order"
    assert marks == DECK_MARKS
    assert sum(len(m) for m in marks.values()) == 36


@pytest.mark.django_db
def test_column_totals_count_the_marks(client, programme):
    table = matrix_table(client.get(MATRIX_URL))
    (totals_row,) = table["tfoot"]
    expected = [sum(column in marks for marks in DECK_MARKS.values()) for column in DECK_COLUMNS]
    assert [int(cell["text"]) for cell in totals_row[1:]] == expected
    assert expected == [6, 4, 3, 8, 3, 3, 2, 7]


@pytest.mark.django_db
def test_rows_link_to_partnerships_and_columns_to_themes(client, programme):
    html = client.get(MATRIX_URL).content.decode()
    assert f'href="{reverse("partnerships:partnership_detail", args=["trafford"])}"' in html
    assert f'href="{reverse("partnerships:theme_detail", args=["contextual-safeguarding"])}"' in html


@pytest.mark.django_db
def test_ticks_are_hidden_from_screen_readers_which_hear_yes_or_no(client, programme):
    html = client.get(MATRIX_URL).content.decode()
    tbody = html.split("<tbody>")[1].split("</tbody>")[0]
    # The deck's 36 marks, each a tick shown to the eye and "Yes" in words for a screen reader.
    marks = sum(len(marked) for marked in DECK_MARKS.values())
    assert tbody.count("\u2713") == marks
    assert tbody.count('<span aria-hidden="true">\u2713</span><span class="visually-hidden">Yes</span>') == marks
    assert tbody.count('<span class="visually-hidden">No</span>') == len(DECK_MARKS) * len(DECK_COLUMNS) - marks


@pytest.mark.django_db
def test_list_by_partnership_links_each_mark_and_says_when_there_is_none(client, programme):
    Partnership.objects.create(name="Rutland", slug="rutland", region=Region.EAST_MIDLANDS, deck_order=99)
    html = client.get(MATRIX_URL, {"view": "partnerships"}).content.decode()
    blocks = {
        block.split("</a></h3>")[0].rsplit(">", 1)[1]: block.split("<ul", 1)[1]
        for block in html.split('<div class="matrix-partnership">')[1:]
    }
    assert list(blocks)[-1] == "Rutland"
    assert "<li>No approach marked</li>" in blocks["Rutland"]
    assert "No approach marked" not in blocks["Trafford"]
    # Trafford's two approaches, in the table's column order, each linking to its theme's page.
    scrutiny = Theme.objects.get(slug="independent-scrutiny").get_absolute_url()
    contextual = reverse("partnerships:theme_detail", args=["contextual-safeguarding"])
    assert blocks["Trafford"].index(f'<li><a href="{scrutiny}">Ind. Scrutiny</a></li>') < blocks["Trafford"].index(
        f'<li><a href="{contextual}">Contextual safeguarding</a></li>'
    )
    assert blocks["Trafford"].count("<li>") == 2


@pytest.mark.django_db
def test_filter_by_one_theme(client, programme):
    marks = rendered_marks(matrix_table(client.get(MATRIX_URL, {"theme": "contextual-safeguarding"})))
    assert list(marks) == ["Trafford", "North Lincolnshire"]
    # The table keeps its shape: all eight columns, the rows' full marks.
    assert marks["North Lincolnshire"] == DECK_MARKS["North Lincolnshire"]


@pytest.mark.django_db
def test_filter_by_two_themes_means_both(client, programme):
    response = client.get(
        MATRIX_URL, {"theme": ["engagement-with-schools", "voice-of-children-young-people-and-families"]}
    )
    marks = rendered_marks(matrix_table(response))
    expected = [site for site, m in DECK_MARKS.items() if {"Engagement with schools", "Voice of the child"} <= m]
    assert list(marks) == expected == ["Tameside", "Calderdale", "York"]


@pytest.mark.django_db
def test_filter_by_region(client, programme):
    marks = rendered_marks(matrix_table(client.get(MATRIX_URL, {"region": Region.SOUTH_WEST})))
    assert list(marks) == ["Devon, Plymouth, Torbay", "Wiltshire"]


@pytest.mark.django_db
def test_filter_with_no_match_says_so(client, programme):
    response = client.get(MATRIX_URL, {"theme": "contextual-safeguarding", "region": Region.LONDON})
    assert "No partnership matches these filters" in response.getvalue().decode()


@pytest.mark.django_db
def test_unknown_filter_value_explains_the_problem(client, programme):
    response = client.get(MATRIX_URL, {"theme": "not-a-theme"})
    assert response.status_code == 200
    assert "not one of the available choices" in response.getvalue().decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"theme": "contextual-safeguarding"},
        {"theme": ["learning-reviews", "practice-challenges"]},
        {"region": "london"},
    ],
)
def test_csv_download_matches_the_page(client, programme, params):
    page_table = matrix_table(client.get(MATRIX_URL, params))
    response = client.get(CSV_URL, params)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    header, *body, totals = rows
    assert header == ["EA site", "Region", *DECK_COLUMNS]
    page_marks = rendered_marks(page_table)
    csv_marks = {row[0]: {header[i] for i, value in enumerate(row) if value == "X"} for row in body}
    assert csv_marks == page_marks
    assert list(csv_marks) == list(page_marks)
    assert totals[0] == "Total"
    assert totals[2:] == [cell["text"] for cell in page_table["tfoot"][0][1:]]


@pytest.mark.django_db
def test_page_links_the_csv_of_the_filtered_view(client, programme):
    html = client.get(MATRIX_URL, {"theme": "contextual-safeguarding"}).content.decode()
    assert f"{CSV_URL}?theme=contextual-safeguarding" in html


def add_partnerships(count):
    themes = list(Theme.objects.in_matrix())
    start = Partnership.objects.count()
    partnerships = Partnership.objects.bulk_create(
        Partnership(name=f"Extra site {n}", slug=f"extra-site-{n}", region=Region.LONDON, deck_order=100 + n)
        for n in range(start, count)
    )
    SiteApproach.objects.bulk_create(
        SiteApproach(partnership=p, theme=themes[i % len(themes)]) for i, p in enumerate(partnerships)
    )


def query_count(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_matrix_query_count_does_not_grow_with_partnerships(client, programme, django_assert_num_queries):
    params = {"theme": "structural-arrangements"}
    for total in (17, 150):
        add_partnerships(total)
        assert Partnership.objects.count() == total
        # Unfiltered: 1 the matrix themes (columns), 2 the partnerships, 3 their approaches (prefetched),
        # 4 the matrix themes with their published examples counted per stage (the examples chart),
        # 5 the theme checkboxes of the filter form.
        with django_assert_num_queries(5):
            client.get(MATRIX_URL)
        # Filtered: the same five, and 6 the chosen themes validated by the filter form.
        with django_assert_num_queries(6):
            response = client.get(MATRIX_URL, params)
        assert len(matrix_table(response)["tbody"]) > 1


@pytest.mark.django_db
def test_list_pages_query_counts_do_not_grow(client, programme, django_assert_num_queries):
    pages = [
        # 1 count for the paginator, 2 the page of partnerships with theme counts, 3 their authorities.
        (reverse("partnerships:partnership_list"), 3),
        # 1 the themes with their partnership counts (list and chart), 2 the themes with their published
        # examples counted per stage (chart).
        (reverse("partnerships:theme_list"), 2),
        # 1 the theme, 2 its published examples counted per stage (chart, learning), 3 its approaches with their
        # partnerships, 4 its newest published learning examples with their partnerships, 5 how many there are,
        # 6 its questions and approaches (learning), 7 its first resources, 8 how many, 9 its first FAQs, 10 how
        # many (resources).
        (reverse("partnerships:theme_detail", args=["engagement-with-schools"]), 10),
        # 1 the arrangements with their partnerships.
        (reverse("partnerships:arrangement_list"), 1),
    ]
    before = {url: query_count(client, url) for url, _ in pages}
    add_partnerships(150)
    SiteApproach.objects.bulk_create(
        SiteApproach(partnership=p, theme=Theme.objects.get(slug="engagement-with-schools"))
        for p in Partnership.objects.filter(slug__startswith="extra-site-")
        if not p.approaches.filter(theme__slug="engagement-with-schools").exists()
    )
    for url, expected in pages:
        with django_assert_num_queries(expected):
            client.get(url)
        assert before[url] == expected


@pytest.mark.django_db
def test_csv_cells_cannot_become_spreadsheet_formulas(client, programme):
    Partnership.objects.filter(slug="wiltshire").update(name='=HYPERLINK("http://evil.example")')
    rows = list(csv.reader(io.StringIO(client.get(CSV_URL, {"region": "south-west"}).getvalue().decode())))
    assert rows[2][0] == '\'=HYPERLINK("http://evil.example")'
