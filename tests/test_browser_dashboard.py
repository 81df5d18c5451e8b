"""End to end in Debian's Chromium: a facilitator opens the dashboard and follows a figure to its list; the pages
that gained charts pass axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone

from learning.models import Stage, State
from resources.models import Resource, ResourceDownload
from tests.browser import arrive
from tests.chart_data import add_examples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def figures(programme, partnership_a, partnership_b):
    """Enough data for every chart to draw bars: examples in each state and stage, downloads."""
    now = timezone.now()
    add_examples(
        *[
            {
                "partnership": partnership,
                "themes": [theme],
                "stage": stage,
                "published_at": now - timedelta(days=40 * number),
                "updated": now - timedelta(days=200 * number),
            }
            for number, (partnership, theme, stage) in enumerate(
                [
                    (partnership_a, "learning-reviews", Stage.IDEA),
                    (partnership_a, "practice-challenges", Stage.EVALUATED_LOCALLY),
                    (partnership_b, "independent-scrutiny", Stage.INDEPENDENTLY_EVALUATED),
                    (partnership_b, "engagement-with-schools", Stage.BEING_TESTED),
                    (None, "information-sharing", Stage.BEING_TESTED),
                ]
            )
        ],
        {"partnership": partnership_a, "state": State.SUBMITTED, "submitted_at": now - timedelta(days=6)},
        {"partnership": partnership_b, "state": State.SUBMITTED, "submitted_at": now - timedelta(days=1)},
    )
    resource = Resource.objects.create(
        title="Scrutiny toolkit", slug="scrutiny-toolkit", external_url="https://example.org/toolkit", published=True
    )
    ResourceDownload.objects.bulk_create(
        ResourceDownload(resource=resource, downloaded_at=now - timedelta(days=20 * n)) for n in range(12)
    )


def test_facilitator_opens_the_dashboard_and_follows_a_figure(
    page, login_in_browser, facilitator, figures, axe, artifacts_dir, capsys
):
    login_in_browser(facilitator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    arrive(page, heading="Programme dashboard")
    axe(page)

    screenshot = artifacts_dir / "dashboard.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0
    with capsys.disabled():
        print(f"\nScreenshot of the dashboard: {screenshot}")

    waiting = page.get_by_role("row", name="Examples waiting for review")
    assert waiting.get_by_role("cell").first.inner_text() == "2"
    waiting.get_by_role("link", name="Examples waiting for review").click()
    arrive(page, heading="Review queue")
    assert page.locator("table tbody tr").count() == 2


def test_a_chart_bar_leads_to_the_examples_it_counts(page, figures):
    page.goto("/themes/independent-scrutiny/")
    page.get_by_role("link", name="Independently evaluated").click()
    arrive(page, url="**/learning/?theme=independent-scrutiny&stage=independently-evaluated")
    assert page.get_by_role("status").inner_text().startswith("1 learning example matches")


@pytest.mark.parametrize("path", ["/matrix/", "/themes/", "/themes/independent-scrutiny/", "/coverage/"])
def test_pages_with_charts_have_no_axe_violations(page, figures, axe, path):
    page.goto(path)
    page.locator("svg.chart-svg").first.wait_for()
    axe(page)
