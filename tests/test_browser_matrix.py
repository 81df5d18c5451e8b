"""The EA theme matrix in Debian's Chromium on a phone (390 px wide) and on paper (print emulation)."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FILTERED = "/matrix/?theme=child-death-review&region=london"


def open_matrix(page, path="/matrix/"):
    page.goto(path)
    page.get_by_role("heading", level=1, name="The EA theme matrix").wait_for()
    page.wait_for_load_state("load")


def test_on_a_phone_the_page_fits_and_the_header_and_first_column_stay_put(
    browser, live_server, programme, axe, artifacts_dir
):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, base_url=live_server.url
    )
    page = context.new_page()
    try:
        open_matrix(page)
        # The visually hidden "Yes"/"No" stay inside the scroller: the page is as wide as the screen.
        assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
        scroller = page.locator(".matrix-scroller")
        assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")  # the table scrolls inside it

        first_site = page.locator("table.matrix-table tbody th[scope=row]").first
        header = page.locator("table.matrix-table thead th").nth(3)
        site_box, header_box = first_site.bounding_box(), header.bounding_box()
        scroller.evaluate("el => el.scrollTo(el.scrollWidth, 0)")
        # Scrolled sideways, the partnership column has not moved.
        assert first_site.bounding_box()["x"] == pytest.approx(site_box["x"], abs=1)
        scroller.evaluate("el => el.scrollTo(0, el.scrollHeight)")
        # Scrolled down to the last row, the header row sits at the top of the scroller, still in view.
        assert page.locator("table.matrix-table tfoot th").is_visible()
        assert header.bounding_box()["y"] == pytest.approx(scroller.bounding_box()["y"], abs=1)
        assert header_box["y"] > scroller.bounding_box()["y"]  # it started lower, below the caption
        assert first_site.evaluate("el => getComputedStyle(el).position") == "sticky"
        assert header.evaluate("el => getComputedStyle(el).position") == "sticky"
        page.screenshot(path=artifacts_dir / "matrix-390px.png", full_page=True)
        axe(page)

        # The list by partnership, for narrow screens: no table to scroll at all.
        page.get_by_role("link", name="Show the matrix as a list by partnership").click()
        page.wait_for_url(re.compile(r".*view=partnerships.*"))
        page.get_by_role("heading", level=2, name="By partnership").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
        assert page.locator(".matrix-partnership").count() == 17
        page.screenshot(path=artifacts_dir / "matrix-390px-by-partnership.png", full_page=True)
        axe(page)
    finally:
        context.close()


def test_printed_filtered_matrix_states_its_filters_and_source_on_one_landscape_page(page, programme, artifacts_dir):
    open_matrix(page, FILTERED)
    page.emulate_media(media="print")
    statement = page.locator(".matrix-statement")
    assert statement.is_visible()
    text = statement.inner_text()
    assert "filtered by developing all of these approaches: CDR; region: London" in text
    assert "Source: NCB's deck" in text
    # The charts and the filter form stay off the paper; the table is printed.
    assert not page.locator(".matrix-charts").is_visible()
    assert not page.locator("form.filter-panel").is_visible()
    assert page.locator("table.matrix-table").is_visible()
    page.screenshot(path=artifacts_dir / "matrix-print.png", full_page=True)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts_dir / "matrix-print.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    # A4 landscape: 842 x 595 points.
    width, height = (float(n) for n in re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups())
    assert (round(width), round(height)) == (842, 595)


def test_the_whole_matrix_prints_on_one_landscape_page(page, programme):
    open_matrix(page)
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
