"""End to end in Debian's Chromium, the facilitators' daily work in the portal (issue 11, items 1, 5 and 7): from
the dashboard's figures to the lists behind them, a visitor's question to the count in the navigation and the
queue, and an approach moved up. Each page passes axe-core."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from learning.models import CuratedItem, ItemKind, State
from partnerships.models import Theme
from resources.models import FAQ, Resource, ResourceDownload, Subscriber, SubscriberStatus
from tests.browser import arrive
from tests.chart_data import add_examples
from tests.conftest import wait_for_mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def figures(programme, partnership_a, partnership_b):
    now = timezone.now()
    add_examples(
        {"title": "Panel reviews", "partnership": partnership_a, "published_at": now},
        {"title": "Joint audits", "partnership": partnership_b, "published_at": now},
        {"title": "Older work", "partnership": partnership_b, "published_at": now - timedelta(days=400)},
        {"title": "Still a draft", "partnership": partnership_a, "state": State.DRAFT},
    )
    resource = Resource.objects.create(
        title="Scrutiny toolkit", slug="scrutiny-toolkit", external_url="https://example.org/toolkit", published=True
    )
    Resource.objects.create(title="Draft notes", slug="draft-notes", external_url="https://example.org/notes")
    ResourceDownload.objects.bulk_create(ResourceDownload(resource=resource, downloaded_at=now) for _ in range(3))
    Subscriber.objects.create(
        email="reader@example.org",
        status=SubscriberStatus.CONFIRMED,
        consent_text="I agree.",
        consented_at=now,
        confirmed_at=now,
    )


def test_facilitator_follows_the_dashboards_figures_to_the_lists_behind_them(
    page, log_in_with_cookie, facilitator, figures, axe
):
    log_in_with_cookie(facilitator)
    page.goto("/dashboard/")
    arrive(page, heading="Programme dashboard")
    month = timezone.localdate().strftime("%b %Y")

    # A month's column of published examples opens the facilitators' list, filtered to that month.
    published = page.get_by_role("table", name="Learning examples published per month: the figures")
    published.get_by_role("link", name=month).click()
    arrive(page, heading="All learning examples")
    assert page.get_by_role("table").locator("caption").inner_text().startswith("2 examples match")
    assert page.get_by_role("link", name="Panel reviews").is_visible()
    axe(page)

    page.go_back()
    arrive(page, heading="Programme dashboard")
    page.get_by_role("link", name="Every resource with its downloads").click()
    arrive(page, heading="Resources and their downloads")
    row = page.get_by_role("row", name="Scrutiny toolkit")
    assert row.get_by_role("cell").nth(2).inner_text() == "3"
    assert page.get_by_role("row", name="Draft notes").is_visible()
    axe(page)

    page.go_back()
    arrive(page, heading="Programme dashboard")
    statuses = page.get_by_role("table", name="Newsletter subscribers by status: the figures")
    statuses.get_by_role("link", name="Confirmed").click()
    arrive(page, heading="Newsletter subscribers")
    assert page.get_by_role("row", name="Confirmed").get_by_role("cell").inner_text() == "1"
    axe(page)


def test_a_visitors_question_shows_in_the_navigation_and_leads_to_the_queue(
    page, log_in_with_cookie, facilitator, programme, axe
):
    cache.clear()  # the question rate limit counts in the cache
    page.goto("/faqs/ask/")
    page.get_by_label("Your question").fill("Can schools be relevant agencies?")
    page.get_by_role("button", name="Send question").click()
    arrive(page, heading="Frequently asked questions")
    wait_for_mail(page)
    assert FAQ.objects.queue().count() == 1

    log_in_with_cookie(facilitator)
    page.goto("/")
    navigation = page.get_by_role("navigation", name="Main")
    link = navigation.get_by_role("link", name="Questions 1 waiting for an answer")
    assert link.is_visible()
    axe(page)
    link.click()
    arrive(page, heading="Questions waiting for an answer")
    assert page.get_by_role("row", name="Can schools be relevant agencies?").is_visible()
    axe(page)


def test_facilitator_moves_an_approach_up(page, log_in_with_cookie, facilitator, programme, axe):
    theme = Theme.objects.get(slug="learning-reviews")
    for order, text in enumerate(["Peer review panels", "Joint audits"], 1):
        CuratedItem.objects.create(theme=theme, kind=ItemKind.APPROACH, text=text, order=order)
    log_in_with_cookie(facilitator)
    page.goto("/review/curation/")
    arrive(page, heading="Questions to consider and approaches being taken")
    axe(page)
    page.get_by_role("button", name="Move “Joint audits” up").click()
    arrive(page, heading="Questions to consider and approaches being taken")
    assert page.get_by_text("Moved the approach being taken “Joint audits” up.").is_visible()
    table = page.get_by_role(
        "table", name="Approaches being taken on Learning reviews, in the order its page shows them"
    )
    assert " ".join(table.locator("tbody tr").first.inner_text().split()).startswith("1 Joint audits")
    axe(page)

    page.goto(theme.get_absolute_url())
    text = page.locator("main").inner_text()
    assert text.index("Joint audits") < text.index("Peer review panels")


def test_a_lead_has_no_facilitators_queue_and_is_told_so_at_their_lists(
    page, log_in_with_cookie, lead_a, programme, axe
):
    FAQ.objects.create(question="Who chairs the board?")
    log_in_with_cookie(lead_a)
    page.goto("/")
    navigation = page.get_by_role("navigation", name="Main")
    assert navigation.get_by_role("link", name="Contribute").is_visible()
    assert navigation.get_by_role("link", name="Questions").count() == 0
    for path in ["/review/examples/", "/resources/downloads/", "/newsletter/subscribers/"]:
        response = page.goto(path)
        assert response.status == 403
        arrive(page, heading="You do not have access to this page")
    axe(page)
