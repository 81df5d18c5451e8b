"""End to end in Debian's Chromium: the foundation's pages as a visitor uses them."""

import pytest

from tests.browser import arrive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/matrix/",
    "/matrix/?theme=contextual-safeguarding",
    "/partnerships/",
    "/partnerships/bexley-greenwich-lewisham/",
    "/themes/",
    "/themes/child-death-review/",
    "/arrangements/",
    "/no-such-page/",
]


def test_visitor_reaches_the_matrix_and_filters_it(page, programme):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Theme matrix").click()
    arrive(page, heading="The EA theme matrix")
    page.get_by_label("Contextual safeguarding").check()
    page.get_by_role("button", name="Apply filters").click()
    arrive(page, url="**/matrix/?theme=contextual-safeguarding*")
    sites = page.locator("table.matrix-table tbody th[scope=row]").all_inner_texts()
    assert sites == ["Trafford", "North Lincolnshire"]
    assert page.get_by_role("link", name="Theme matrix").get_attribute("aria-current") == "page"


@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations(page, programme, axe, path):
    page.goto(path)
    axe(page)
