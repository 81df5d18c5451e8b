"""Accessibility in the HTML the portal sends (issue 13): page titles, error summaries, field attributes and markup.

What needs a browser (focus rings, reflow, where focus lands) is in test_browser_accessibility.py.
"""

import re
from html import unescape

import pytest
from django.urls import reverse

from learning import seed
from learning.models import CuratedItem, ItemKind, State
from tests.conftest import PASSWORD
from tests.learning_data import make_example

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def title_of(response):
    return unescape(" ".join(TITLE.search(response.content.decode()).group(1).split()))


def tag(response, pattern):
    """The first start tag matching a regular expression, whole."""
    found = re.search(r"<" + pattern + r"[^>]*>", response.content.decode())
    assert found, f"no tag matching {pattern}"
    return found.group(0)


# Titles ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/faqs/ask/", {"question": ""}),
        ("/newsletter/", {"email": "not an address"}),
        ("/accounts/password_reset/", {"email": ""}),
    ],
)
def test_a_form_sent_with_mistakes_gives_a_title_starting_with_error(client, programme, path, data):
    assert not title_of(client.get(path)).startswith("Error")
    response = client.post(path, data)
    assert response.status_code == 200
    assert 'class="alert alert-danger error-summary"' in response.content.decode()
    assert title_of(response).startswith("Error: ")


def test_a_filter_page_with_an_unknown_value_gives_a_title_starting_with_error(client, programme):
    assert title_of(client.get("/learning/?theme=no-such-theme")).startswith("Error: Learning examples")
    assert not title_of(client.get("/learning/?theme=independent-scrutiny")).startswith("Error")


def test_the_add_lead_title_says_error_once(client_for, facilitator, programme):
    response = client_for(facilitator).post(reverse("partnerships:lead_create"), {"first_name": ""})
    assert title_of(response).startswith("Error: Add a partnership lead")
    assert title_of(response).count("Error") == 1


def test_each_curated_item_edit_page_names_its_item(client_for, facilitator, programme):
    seed.load()
    client = client_for(facilitator)
    approaches = CuratedItem.objects.filter(kind=ItemKind.APPROACH)[:3]
    titles = [title_of(client.get(reverse("learning:curation_edit", args=[item.pk]))) for item in approaches]
    assert len(set(titles)) == 3, titles
    for item, title in zip(approaches, titles, strict=True):
        assert title.startswith("Edit approach being taken “")
        assert item.theme.name in title
    removal = title_of(client.get(reverse("learning:curation_delete", args=[approaches[0].pk])))
    assert removal.startswith("Remove approach being taken “")


# The error summary and the fields it links to ----------------------------------------------------------------------


def test_a_failed_log_in_links_its_error_to_the_username_and_marks_both_fields(client, lead_a):
    opened = client.get(reverse("login"))
    assert "autofocus" in tag(opened, r'input[^>]*name="username"')

    response = client.post(reverse("login"), {"username": lead_a.username, "password": "not-" + PASSWORD})
    summary = response.content.decode().split('class="alert alert-danger error-summary"')[1].split("</div>")[0]
    assert re.search(r'<a href="#id_username">Please enter a correct username and password', summary)
    for name in ["username", "password"]:
        field = tag(response, rf'input[^>]*name="{name}"')
        assert 'aria-invalid="true"' in field
        # Focus goes to the summary above the fields, not to the username field below it.
        assert "autofocus" not in field


def test_an_empty_resource_says_what_to_do_next_to_the_file_field(client_for, facilitator, programme):
    response = client_for(facilitator).post(reverse("resources:resource_create"), {"title": "A toolkit"})
    html = unescape(response.content.decode())
    assert "Constraint" not in html
    assert "resource_file_xor_external_url" not in html
    assert re.search(r'<a href="#id_file">File: Upload a file or give the resource\'s external address', html)


def test_the_error_summary_script_is_a_file_and_no_script_is_inline(client, programme):
    html = client.get("/").content.decode()
    assert re.search(r'<script src="[^"]*/js/error-summary\.js"></script>', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


# Names, autocomplete and markup ------------------------------------------------------------------------------------


def test_the_menu_buttons_name_is_its_visible_label(client, programme):
    html = client.get("/").content.decode()
    button = re.search(r'<button class="navbar-toggler".*?</button>', html, re.S).group(0)
    assert "aria-label" not in button  # the name comes from the text a speech user sees and says
    assert re.sub(r"<[^>]+>", "", button).split() == ["Menu"]


@pytest.mark.parametrize(
    ("path", "field", "purpose"),
    [
        ("/newsletter/", "email", "email"),
        ("/newsletter/", "name", "name"),
        ("/newsletter/", "organisation", "organization"),
        ("/faqs/ask/", "asker_email", "email"),
    ],
)
def test_visitors_own_details_have_autocomplete(client, programme, path, field, purpose):
    assert f'autocomplete="{purpose}"' in tag(client.get(path), rf'input[^>]*name="{field}"')


def test_search_result_dates_are_valid_to_the_second(client, partnership_a):
    # The deck's own examples carry no date (issue 12): an example a lead wrote and NCB published does.
    make_example(partnership_a, State.PUBLISHED)
    html = client.get(reverse("search")).content.decode()
    stamps = re.findall(r'<time class="search-date" datetime="([^"]*)"', html)
    assert stamps
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", stamp), stamp
