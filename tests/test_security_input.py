"""Bad input that used to give a 500 or a dangerous file: NUL characters in requests, line breaks in titles (which
are email subjects), and spreadsheet formulas in CSV cells."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ea_portal.spreadsheets import neutralise
from learning.forms import CuratedItemForm, LearningExampleForm
from learning.models import ItemKind, LearningExample
from partnerships.models import Partnership, Theme
from resources.forms import NewsletterIssueForm, ResourceForm
from resources.models import FAQ
from tests.learning_data import example_form_data

# NUL characters ------------------------------------------------------------------------------------------

# (who, list or filter page, a parameter it reads)
FILTERED_PAGES = [
    (None, "search", "q"),
    (None, "learning:example_list", "theme"),
    (None, "learning:example_list", "partnership"),
    (None, "learning:example_list", "q"),
    (None, "resources:resource_list", "theme"),
    (None, "resources:resource_list", "q"),
    (None, "search", "theme"),
    (None, "partnerships:matrix", "region"),
    (None, "partnerships:matrix_csv", "theme"),
    (None, "resources:newsletter_archive", "kind"),
    ("lead", "learning:my_examples", "state"),
    ("facilitator", "learning:curation_create", "theme"),
    ("facilitator", "learning:curation_create", "kind"),
    ("facilitator", "learning:review_queue", "sort"),
    ("facilitator", "dashboard:dashboard", "theme"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "name", "parameter"), FILTERED_PAGES)
def test_a_nul_in_a_query_string_is_ignored(client_for, lead_a, facilitator, who, name, parameter):
    client = client_for({"lead": lead_a, "facilitator": facilitator}.get(who))
    url = reverse(name)
    # In a parameter's value or name: the page as if the NUL were not there (PostgreSQL gave a 500), never
    # showing it back (search and the lists put their query in the page).
    for query in [f"{parameter}=%00", f"{parameter}=a%00b&other=1", f"{parameter}%00=1"]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, query
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"\x00" not in body and b"&#x0;" not in body, query


@pytest.mark.django_db
def test_a_nul_in_the_path_or_a_form_is_a_bad_request(client, programme):
    assert client.get("/learning/a%00b/").status_code == 400
    question = {"question": "How do partnerships share information?", "asker_email": ""}
    assert client.post(reverse("resources:faq_ask"), {**question, "question": "Nul\x00here"}).status_code == 400
    assert client.post(reverse("login"), {"username": "a\x00", "password": "x"}).status_code == 400
    assert FAQ.objects.count() == 0


# Single-line titles --------------------------------------------------------------------------------------

LINE_BREAKS = ["\r\n", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"]


def single_line_fields(user):
    """(form class, the valid data it posts, the fields that must be a single line)."""
    theme = Theme.objects.get(slug="independent-scrutiny")
    return [
        (lambda data: LearningExampleForm(data, user=user), example_form_data(), ["title", "contact_name"]),
        (NewsletterIssueForm, {"subject": "Spring issue", "body": "News."}, ["subject"]),
        (
            ResourceForm,
            {"title": "A toolkit", "kind": "tool", "external_url": "https://example.org/t"},
            ["title"],
        ),
        (
            CuratedItemForm,
            {"theme": theme.pk, "kind": ItemKind.QUESTION, "text": "Why?", "group": "Workshop", "order": 0},
            ["group", "source"],
        ),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("line_break", LINE_BREAKS, ids=repr)
def test_titles_and_names_must_be_a_single_line(programme, facilitator, line_break):
    for make_form, data, fields in single_line_fields(facilitator):
        assert make_form(data).is_valid(), data
        for field in fields:
            form = make_form({**data, field: f"First line{line_break}Second line"})
            assert not form.is_valid()
            assert form.errors[field] == ["Write this on a single line, without line breaks."], field


@pytest.mark.django_db
def test_the_admin_cannot_give_a_partnership_a_name_on_two_lines(partnership_a):
    # The admin's forms run the model's validators: the name is the subject of lead invitations.
    partnership_a.name = "Devon\nBcc: everyone@example.org"
    with pytest.raises(ValidationError) as refused:
        partnership_a.full_clean()
    assert refused.value.message_dict == {"name": ["Write this on a single line, without line breaks."]}


@pytest.mark.django_db
def test_an_example_title_with_a_line_break_is_refused_before_anything_changes(client_for, lead_a, partnership_a):
    data = example_form_data(title="Subject\r\nBcc: everyone@example.org", partnership=partnership_a.pk)
    response = client_for(lead_a).post(reverse("learning:example_create"), data)
    assert response.status_code == 200
    assert "Write this on a single line, without line breaks." in response.content.decode()
    assert not LearningExample.objects.exists()


# CSV cells -----------------------------------------------------------------------------------------------

DANGEROUS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    '＝HYPERLINK("https://phish.invalid")',  # full-width equals sign (NFKC: "=")
    "＋1",
    "－1",
    "＠SUM(A1)",
    "﹦1+1",  # small equals sign
    " =1+1",
    "   +1",
    "\u3000=1+1",  # ideographic space
    "\u00a0=1+1",  # no-break space
    "\t=1+1",
    "\t",
    "\r=1+1",
    "\rplain",
    "\n=1+1",
    "\nplain",
    "\x0b=1",
    "\x1f@x",
]
SAFE = ["plain", "a=b", "1-2", "", "Devon, Plymouth, Torbay", "１２３", "e-mail", "x\n=1"]


@pytest.mark.parametrize("value", DANGEROUS, ids=repr)
def test_a_cell_a_spreadsheet_might_run_is_neutralised(value):
    assert neutralise(value) == f"'{value}"


@pytest.mark.parametrize("value", SAFE, ids=repr)
def test_other_cells_are_unchanged(value):
    assert neutralise(value) == value


@pytest.mark.django_db
def test_the_matrix_csv_neutralises_a_full_width_formula_in_a_name(client, programme):
    Partnership.objects.filter(slug="north-lincolnshire").update(name='＝HYPERLINK("https://phish.invalid")')
    rows = list(
        csv.reader(io.StringIO(b"".join(client.get(reverse("partnerships:matrix_csv")).streaming_content).decode()))
    )
    assert ['\'＝HYPERLINK("https://phish.invalid")'] in [row[:1] for row in rows]
