"""Faithful to NCB's deck (issue 12): every fact the portal shows as the programme's is read here from the deck
itself (tests/data/deck.txt, a copy of shared/seed/) and looked for on the page named for it; nothing the deck
does not give (a stage, a date, a contact, a paragraph) is loaded or shown as the programme's."""

import re
from io import StringIO
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils.text import slugify

from learning import seed as learning_seed
from learning.models import CuratedItem, LearningExample
from partnerships.models import LocalAuthority, Partnership, PublishedArrangement, SiteApproach, Theme
from resources import seed as resources_seed
from resources.models import Resource
from tests.html import parse_tables, visible_text
from tests.learning_data import example_form_data

DECK_NAME = "000_63e4022de822303b.txt"
DECK_COPY = Path(__file__).resolve().parent / "data" / "deck.txt"
DECK = DECK_COPY.read_text(encoding="utf-8")


def normalise(text):
    """The words of a text without Markdown marks, list bullets, link brackets or line breaks."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"\*+|^\s*[-•]\s+|[<>]", " ", text, flags=re.MULTILINE)
    return " ".join(text.split())


NORMALISED_DECK = normalise(DECK)


def in_deck(text):
    return normalise(text) in NORMALISED_DECK


def deck_section(start, end):
    """The deck's text from the line `start` up to the line `end`."""
    return DECK.split(start, 1)[1].split(end, 1)[0]


def bullets(section):
    return [normalise(line) for line in section.splitlines() if line.lstrip().startswith("- ")]


def deck_matrix():
    """The deck's table: its column labels and {site: [marked column labels]}."""
    lines = [line for line in DECK.splitlines() if "\t" in line]
    header = lines[0].split("\t")
    rows = {}
    for line in lines[1:]:
        cells = line.split("\t")
        rows[cells[0]] = [header[i] for i, cell in enumerate(cells) if i and cell.strip() == "X"]
    return header[1:], rows


MATRIX_COLUMNS, MATRIX_ROWS = deck_matrix()
SIGN_UP_ADDRESS = re.search(r"Sign up with (\S+@\S+)", DECK).group(1)
OVERVIEW_QUESTION = "Who are they and what are the approaches they are developing?"
OVERVIEW_URL = re.search(re.escape(OVERVIEW_QUESTION) + r"\s*<([^>]+)>", DECK).group(1)
ARRANGEMENT_URLS = re.findall(r"\*\*(\w[\w ]*)\*\* -\s*\n\[?<?(?:[^\]\n]*\]\()?(https?://[^\s>)]+)", DECK)


def split_parts(text):
    """A title or heading the portal composed from several of the deck's phrases ("Devon: processes ...")."""
    return [part for part in re.split(r": ", text) if part]


@pytest.fixture
def deck_loaded(programme):
    learning_seed.load()
    resources_seed.load()


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), visible_text(response.content)


# The copy of the deck --------------------------------------------------------------------------------------


def test_the_copy_is_the_deck_in_shared_seed():
    originals = [
        parent / "shared" / "seed" / DECK_NAME
        for parent in Path(__file__).resolve().parents
        if (parent / "shared" / "seed" / DECK_NAME).exists()
    ]
    if not originals:
        pytest.skip("shared/seed/ is not beside this checkout; the copy in tests/data/ is used alone")
    assert originals[0].read_text(encoding="utf-8") == DECK


def test_the_deck_is_read_as_the_programme_describes_it():
    # Guards the parsing above: 17 sites, 8 columns, 36 marks, 3 published arrangements.
    assert len(MATRIX_ROWS) == 17 and len(MATRIX_COLUMNS) == 8
    assert sum(len(marks) for marks in MATRIX_ROWS.values()) == 36
    assert [name for name, _ in ARRANGEMENT_URLS] == ["Bexley", "Devon", "North Lincolnshire"]
    assert SIGN_UP_ADDRESS == "tmoncada@ncb.org.uk"


# Nothing invented in what is loaded ----------------------------------------------------------------------


@pytest.mark.django_db
def test_no_seeded_record_carries_what_the_deck_does_not_give(deck_loaded):
    # Matrix marks: the deck records who is developing what, never a stage or a description.
    assert SiteApproach.objects.count() == 36
    assert not SiteApproach.objects.exclude(stage="").exists()
    assert not SiteApproach.objects.exclude(description="").exists()
    # Partnerships and authorities: the deck's names; no generated summary.
    for partnership in Partnership.objects.all():
        assert partnership.name in MATRIX_ROWS and partnership.summary == ""
    for authority in LocalAuthority.objects.all():
        assert in_deck(authority.name) or in_deck(authority.name.replace("-", " ")), authority.name
    # Theme labels the deck uses (the names and descriptions are the portal's, shown as portal notes).
    for theme in Theme.objects.all():
        for label in [theme.matrix_label, theme.enquiry_line, theme.resource_label]:
            assert not label or in_deck(label), label

    examples = list(LearningExample.objects.all())
    assert len(examples) == 4
    for example in examples:
        assert example.from_deck and example.created_by is None
        for empty in ["stage", "context", "helped_and_hindered", "impact_and_evidence", "resources_needed"]:
            assert getattr(example, empty) == "", (example.slug, empty)
        for empty in ["contact_name", "contact_role", "contact_email"]:
            assert getattr(example, empty) == "", (example.slug, empty)
        assert all(in_deck(part) for part in split_parts(example.title)), example.title
        for field in ["summary", "what_was_done"]:
            for chunk in getattr(example, field).split("\n"):
                assert not chunk.strip() or in_deck(chunk), (example.slug, chunk)
    # No expansion of MARS: the deck gives none.
    assert not LearningExample.objects.filter(summary__icontains="Resilience").exists()

    for item in CuratedItem.objects.all():
        for chunk in item.text.split("\n"):
            assert not chunk.strip() or in_deck(chunk), chunk
        assert all(in_deck(part) for part in split_parts(item.group)), item.group
        assert not item.source or in_deck(item.source), item.source

    resources = list(Resource.objects.all())
    assert len(resources) == 7
    for resource in resources:
        assert resource.from_deck and resource.description == "" and not resource.file
        assert all(in_deck(part) for part in split_parts(resource.title)), resource.title
        assert resource.external_url in DECK

    for arrangement in PublishedArrangement.objects.select_related("authority"):
        assert arrangement.document_url in DECK
        # Title and month are read from the document's address, and nowhere else.
        address = unquote(arrangement.document_url).lower()
        assert set(slugify(arrangement.title).split("-")) <= set(re.findall(r"[a-z0-9]+", address)), arrangement.title
        month = arrangement.published_month
        assert f"{month:%B} {month.year}".lower() in address or f"/{month.year}/{month:%m}/" in address
        assert (arrangement.authority.name, arrangement.document_url) in ARRANGEMENT_URLS


# Page by page ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_matrix_page_is_the_decks_table_with_its_overview_link_and_no_stage(client, deck_loaded):
    html, text = page_text(client, reverse("partnerships:matrix"))
    table = parse_tables(html)[0]  # the charts' figures follow in tables of their own
    assert [cell["text"] for cell in table["thead"][0][1:]] == MATRIX_COLUMNS
    shown = {
        row[0]["text"]: [MATRIX_COLUMNS[i] for i, cell in enumerate(row[1:]) if cell["text"].endswith("Yes")]
        for row in table["tbody"]
    }
    assert shown == MATRIX_ROWS
    assert f'<a href="{OVERVIEW_URL}">{OVERVIEW_QUESTION}</a>' in html
    # No mark carries a stage (the chart below counts learning examples by theirs).
    assert "Stage:" not in text and not any("Stage" in cell["text"] for row in table["tbody"] for cell in row)
    assert f"Which of {len(MATRIX_COLUMNS)} approaches" in text
    # The filters read as the columns they filter on.
    assert re.findall(r'<label class="form-check-label"[^>]*>([^<]+)</label>', html) == MATRIX_COLUMNS
    assert "NCB's deck" in text and "Interim Learning from the programme so far" in text


@pytest.mark.django_db
def test_matrix_states_its_filters_and_its_empty_state_counts_partnerships(client, deck_loaded):
    url = reverse("partnerships:matrix")
    _, text = page_text(client, f"{url}?theme=child-death-review&region=london")
    assert "filtered by developing all of these approaches: CDR; region: London" in text
    _, text = page_text(client, f"{url}?theme=child-death-review&region=north-east")
    assert f"to see all {len(MATRIX_ROWS)} partnerships again" in text
    Partnership.objects.create(name="An added partnership", slug="added", region="london")
    _, text = page_text(client, f"{url}?theme=child-death-review&region=north-east")
    assert f"to see all {len(MATRIX_ROWS) + 1} partnerships again" in text


@pytest.mark.django_db
def test_matrix_list_by_partnership_shows_the_same_marks(client, deck_loaded):
    html, _ = page_text(client, reverse("partnerships:matrix") + "?view=partnerships&region=south-west")
    blocks = html.split('<div class="matrix-partnership">')[1:]
    shown = {
        visible_text(block.split("</h3>")[0]): re.findall(r'<li><a href="[^"]+">([^<]+)</a></li>', block)
        for block in blocks
    }
    assert shown == {site: MATRIX_ROWS[site] for site in ["Devon, Plymouth, Torbay", "Wiltshire"]}


@pytest.mark.django_db
def test_partnership_and_theme_pages_omit_the_empty_stage_and_label_portal_notes(client, deck_loaded):
    _, text = page_text(client, reverse("partnerships:partnership_detail", args=["bexley-greenwich-lewisham"]))
    assert "Stage" not in text
    assert "portal note: NCB's deck names no region" in text
    assert "Bexley's document (NCB's deck lists it for Bexley, one of this partnership's 3 authorities)" in text
    _, text = page_text(client, reverse("partnerships:theme_detail", args=["independent-scrutiny"]))
    assert "Stage:" not in text
    assert "Portal note (written by the portal team, not from NCB's deck)" in text
    # A stage someone records is shown.
    SiteApproach.objects.filter(partnership__slug="tameside", theme__slug="independent-scrutiny").update(
        stage="testing"
    )
    _, text = page_text(client, reverse("partnerships:theme_detail", args=["independent-scrutiny"]))
    assert text.count("Stage: Testing") == 1


@pytest.mark.django_db
def test_published_arrangements_page_has_the_decks_heading_documents_and_says_where_dates_come_from(
    client, deck_loaded
):
    html, text = page_text(client, reverse("partnerships:arrangement_list"))
    assert "Local Arrangements 2018/19" in text and "Who has published their new arrangements?" in text
    assert "read from the addresses" in text
    (table,) = parse_tables(html)
    assert [row[0]["text"] for row in table["tbody"]] == [name for name, _ in ARRANGEMENT_URLS]
    for _, url in ARRANGEMENT_URLS:
        assert f'href="{url}"' in html
    assert "The document is Bexley's, one of the partnership's authorities." in text


@pytest.mark.django_db
def test_enquiry_framework_states_its_focus_and_the_role_of_education(client, deck_loaded):
    html, text = page_text(client, reverse("learning:enquiry_framework"))
    framework = deck_section("Identifying the learning", "Mapping the emerging solutions")
    assert normalise(framework.strip().splitlines()[2]) in text  # the key question
    bold = re.findall(r"- \*\*(.+?)\*\*", framework)
    assert bold == ["Independent Scrutiny", "Learning Reviews", "Role of Wider Partners"]
    assert "Focus of this interim learning: " + ", ".join(bold[:-1]) + f" and {bold[-1]}." in text
    (table,) = parse_tables(html)
    lines = [row[0]["text"] for row in table["tbody"]]
    assert [line.replace(" Focus of this interim learning", "") for line in lines] == bullets(framework)
    assert [line for line in lines if "Focus" in line] == [f"{line} Focus of this interim learning" for line in bold]

    education = text.split("The role of education", 1)[1]
    things, approaches = education.split("Things to consider", 1)[1].split("Approaches being taken", 1)
    section = deck_section("The role of education", "Practice examples from the Early Adopters")
    deck_things, deck_approaches = section.split("Approaches being taken:")
    assert all(item in things for item in bullets(deck_things))
    assert all(item in approaches for item in bullets(deck_approaches))


@pytest.mark.django_db
def test_west_berkshire_workshop_questions_are_a_learning_example_and_on_the_theme_page(client, deck_loaded):
    example = LearningExample.objects.get(slug="west-berkshire-workshop-questions-wider-partners")
    section = deck_section("Practice examples from the Early Adopters – engaging wider partners", "Tools and Resources")
    wanted = [normalise(line) for line in section.splitlines() if line.strip() and "Approach to workshop" not in line]
    _, example_text = page_text(client, example.get_absolute_url())
    _, theme_text = page_text(client, reverse("partnerships:theme_detail", args=["role-of-wider-partners"]))
    assert "(please consider each bullet point below)" in example_text
    for line in wanted:
        assert line in example_text, line
    for line in wanted[3:]:  # the workshops' questions; the introduction is the example's
        assert line in theme_text, line
    _, list_text = page_text(client, reverse("learning:example_list"))
    assert example.title in list_text


@pytest.mark.django_db
def test_deck_examples_show_the_deck_as_their_source_not_a_date_stage_or_contact(client, deck_loaded):
    _, text = page_text(client, reverse("learning:example_list"))
    assert text.count("from NCB's interim learning deck (2018/19)") == 4
    assert "· published" not in text
    assert "Stage:" not in text
    html, text = page_text(
        client, reverse("learning:example_detail", args=["north-lincolnshire-scrutiny-and-assurance-framework"])
    )
    assert "What helped and what got in the way" not in text and "Context" not in text
    assert "there will be ongoing review of the Children's MARS Board Scrutiny and Assurance Framework" in text
    assert "Multi-Agency Resilience" not in text and 'id="contact-heading"' not in html


@pytest.mark.django_db
def test_resources_from_the_deck_are_links_elsewhere_without_dates(client, deck_loaded):
    _, text = page_text(client, reverse("resources:resource_list"))
    assert text.count("Link to another website") == 7
    assert text.count("Listed in NCB's interim learning deck (2018/19); the files are on NCB's website") == 7
    assert " updated " not in text
    tools = deck_section("Tools and Resources from the programme", "Engage with the programme")
    for label in bullets(tools)[2:]:
        assert f"Learning examples and FAQs across the key learning themes: {label}" in text
    _, text = page_text(client, reverse("resources:resource_detail", args=["compliance-and-quality"]))
    assert "Compliance/Quality" in text and "Added" not in text and "Last updated" not in text


@pytest.mark.django_db
def test_a_file_uploaded_here_is_labelled_as_a_download(client, deck_loaded, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    resource = Resource(slug="a-file", title="A file", published=True, original_filename="a.pdf", file_size=2048)
    resource.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=True)
    _, text = page_text(client, reverse("resources:resource_list"))
    assert text.count("File to download here (PDF, 2.0") == 1


@pytest.mark.django_db
def test_newsletter_consent_comes_from_the_setting(client, programme, settings):
    _, text = page_text(client, reverse("resources:newsletter_signup"))
    assert "never shares" not in text and settings.NEWSLETTER_CONSENT_TEXT in text
    assert f"sign up with {SIGN_UP_ADDRESS}" in text
    settings.NEWSLETTER_CONSENT_TEXT = "NCB's confirmed wording."
    _, text = page_text(client, reverse("resources:newsletter_signup"))
    assert "NCB's confirmed wording." in text


@pytest.mark.django_db
def test_contact_page_and_error_pages_give_the_programmes_address(client, programme, settings):
    _, text = page_text(client, reverse("contact"))
    assert f"Sign up with {SIGN_UP_ADDRESS}" in text
    assert settings.PROGRAMME_CONTACT_EMAIL == SIGN_UP_ADDRESS
    settings.PROGRAMME_CONTACT_EMAIL = "programme@example.org"
    html = client.get("/no-such-page/").content.decode()
    assert f'href="{reverse("contact")}"' in html and "mailto:programme@example.org" in html
    request = RequestFactory().get("/")
    for template in ["403.html", "500.html"]:
        html = render_to_string(template, request=request)
        assert f'href="{reverse("contact")}"' in html and "mailto:programme@example.org" in html
    _, text = page_text(client, reverse("home"))
    assert "Contact the programme" in text


@pytest.mark.django_db
def test_home_page_counts_are_computed_and_ncbs_role_is_the_decks(client, deck_loaded):
    _, text = page_text(client, reverse("home"))
    role = bullets(deck_section("NCB's role", "The Early Adopters"))
    assert len(role) == 7 and all(item.rstrip(";") in text for item in role)
    assert "effective approaches to delivering multi-agency safeguarding arrangements" in text
    assert "Seventeen" not in text
    assert f"{len(MATRIX_ROWS)} partnerships across {len(MATRIX_COLUMNS)} approaches" in text
    assert "9 lines of enquiry" in text
    Theme.objects.filter(slug="resourcing-and-funding").update(enquiry_order=None)
    Partnership.objects.create(name="An added partnership", slug="added", region="london")
    _, text = page_text(client, reverse("home"))
    assert "8 lines of enquiry" in text and f"{len(MATRIX_ROWS) + 1} partnerships across" in text


@pytest.mark.django_db
def test_demo_accounts_have_distinct_fictional_names(programme, settings):
    settings.DEBUG = True
    call_command("load_programme", "--demo-users", stdout=StringIO())
    names = {user.username: user.get_full_name() for user in get_user_model().objects.all()}
    assert names == {"facilitator": "Fran Facilitator (demo)", "lead": "Lee Lead (demo)"}


@pytest.mark.django_db
def test_update_seed_brings_an_older_load_back_to_the_deck(deck_loaded):
    LearningExample.objects.filter(slug="devon-scrutiny-processes").update(
        stage="idea", contact_name="Devon Children and Families Partnership", context="Invented.", from_deck=False
    )
    Resource.objects.filter(slug="compliance-and-quality").update(
        title="Compliance and quality", description="Invented."
    )
    assert learning_seed.load(update=True)["examples updated"] == 1
    assert resources_seed.load(update=True)["resources updated"] == 1
    devon = LearningExample.objects.get(slug="devon-scrutiny-processes")
    assert (devon.stage, devon.contact_name, devon.context, devon.from_deck) == ("", "", "", True)
    assert devon.versions.count() == 2
    compliance = Resource.objects.get(slug="compliance-and-quality")
    assert (compliance.title, compliance.description) == ("Compliance/Quality", "")
    # Run again: nothing left to change.
    assert learning_seed.load(update=True)["examples updated"] == 0


# Portal notes: a facilitator edits them; nobody else may -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["facilitator", "lead_a", "anonymous"])
def test_only_facilitators_edit_portal_notes(client_for, who, request, deck_loaded):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)
    url = reverse("partnerships:theme_note_edit", args=["independent-scrutiny"])
    response = client.post(url, {"description": "A new note."})
    theme = Theme.objects.get(slug="independent-scrutiny")
    if who == "facilitator":
        assert response.status_code == 302 and theme.description == "A new note."
        _, text = page_text(client, theme.get_absolute_url())
        assert "Portal note (written by the portal team, not from NCB's deck) A new note. Edit this note" in text
    else:
        assert response.status_code == (403 if user else 302) and theme.description != "A new note."
    url = reverse("partnerships:partnership_note_edit", args=["wiltshire"])
    response = client.post(url, {"region": "south-west", "summary": "Our note."})
    saved = Partnership.objects.get(slug="wiltshire").summary == "Our note."
    assert saved == (who == "facilitator")


# Leads still give a stage and a contact; only facilitators may leave them empty, as the deck does -------


@pytest.mark.django_db
def test_a_lead_must_give_a_stage_and_a_contact(client_for, lead_a, partnership_a):
    # A draft may leave them out (a draft needs only its title); submitting it may not.
    data = example_form_data(partnership=partnership_a.pk, stage="", contact_name="")
    client = client_for(lead_a)
    assert client.post(reverse("learning:example_create"), data).status_code == 302
    example = LearningExample.objects.get()
    response = client.post(reverse("learning:example_submit", args=[example.slug]), {"anonymity_confirmed": "on"})
    assert response.status_code == 400
    assert [item.field for item in response.context["missing"]] == ["stage", "contact_name"]
    example.refresh_from_db()
    assert example.state == "draft"


@pytest.mark.django_db
def test_a_facilitator_may_leave_stage_and_contact_unrecorded(client_for, facilitator, programme):
    data = example_form_data(stage="", contact_name="")
    response = client_for(facilitator).post(reverse("learning:example_create"), data)
    example = LearningExample.objects.get()
    assert response.status_code == 302 and (example.stage, example.contact_name) == ("", "")
    _, text = page_text(client_for(facilitator), example.get_absolute_url())
    assert "Stage of development" not in text and "Not recorded" not in text


# Databases loaded before: the migrations clear what older loads invented ------------------------------


@pytest.mark.django_db(transaction=True)
def test_migrations_clear_the_defaulted_planning_stage_and_the_invented_example_fields():
    executor = MigrationExecutor(connection)
    before = [("partnerships", "0001_initial"), ("learning", "0001_initial"), ("resources", "0001_initial")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Theme_, Partnership_ = apps.get_model("partnerships", "Theme"), apps.get_model("partnerships", "Partnership")
    theme = Theme_.objects.create(name="Independent scrutiny", slug="independent-scrutiny", description="x")
    devon = Partnership_.objects.create(
        name="Devon, Plymouth, Torbay", slug="devon-plymouth-torbay", region="south-west"
    )
    apps.get_model("partnerships", "SiteApproach").objects.create(partnership=devon, theme=theme)  # Planning
    apps.get_model("learning", "LearningExample").objects.create(
        slug="devon-scrutiny-processes",
        title="Devon",
        summary="Devon.",
        stage="idea",
        contact_name="Devon Children and Families Partnership",
        contact_role="Safeguarding partnership business team",
        context="Under the new arrangements the safeguarding partners must make sure their arrangements are ...",
    )
    apps.get_model("resources", "Resource").objects.create(
        slug="compliance-and-quality",
        title="Compliance and quality",
        description="Tools from the Safeguarding Early Adopters programme for checking the compliance and quality ...",
        external_url="https://www.ncb.org.uk/",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert SiteApproach.objects.get().stage == ""
    example = LearningExample.objects.get()
    assert (example.stage, example.contact_name, example.contact_role, example.context) == ("", "", "", "")
    assert example.from_deck
    resource = Resource.objects.get()
    assert (resource.title, resource.description, resource.from_deck) == ("Compliance/Quality", "", True)
