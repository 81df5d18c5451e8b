"""End to end in Debian's Chromium: searching from the header, narrowing by a facet, and accessibility."""

import pytest

from learning import seed as learning_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEVONS_EXAMPLE = "Devon: processes in conducting its scrutiny work"


@pytest.fixture
def deck(programme):
    learning_seed.load()


def test_search_from_the_header_then_narrow_by_type(page, deck, axe):
    page.goto("/")
    header_search = page.get_by_role("search", name="Site")
    header_search.get_by_label("Search the portal").fill("peer review")
    header_search.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=peer+review")
    page.get_by_role("heading", level=1, name="Search").wait_for()
    first_three = page.locator(".search-result h3").all_inner_texts()[:3]
    assert DEVONS_EXAMPLE in first_three
    assert page.get_by_label("Search for").input_value() == "peer review"
    axe(page)

    page.get_by_label("Learning example (").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/search/?q=peer+review&sort=relevance&type=example")
    assert set(page.locator(".search-result .search-kind").all_inner_texts()) == {"Learning example"}
    assert DEVONS_EXAMPLE in page.locator(".search-result h3").all_inner_texts()
    assert page.get_by_label("Learning example (").is_checked()
    axe(page)


def test_an_empty_search_and_a_search_with_no_results_are_accessible(page, deck, axe):
    page.goto("/search/")
    page.get_by_role("heading", name="Everything on the portal").wait_for()
    axe(page)
    page.goto("/search/?q=%22unbalanced+%3A*+%26")
    page.get_by_role("heading", level=1, name="Search").wait_for()
    axe(page)
