"""End to end in Debian's Chromium: a facilitator sends a published newsletter issue from its page and watches the
progress update by itself (the static polling script) while the worker sends it; axe-core on each state."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from resources.forms import consent_statement
from resources.models import NewsletterIssue, Subscriber, SubscriberStatus

pytestmark = [pytest.mark.browser, pytest.mark.task_worker, pytest.mark.django_db(transaction=True)]


def test_facilitator_sends_an_issue_and_watches_it_go(page, login_in_browser, facilitator, axe, settings, mailoutbox):
    settings.NEWSLETTER_SEND_BATCH_SIZE = 3
    for number in range(7):
        Subscriber.objects.create(
            email=f"reader{number}@example.org",
            status=SubscriberStatus.CONFIRMED,
            consent_text=consent_statement(),
            consented_at=timezone.now(),
        )
    issue = NewsletterIssue.objects.create(
        subject="Winter update", slug="winter-update", body="News.", published_at=timezone.now()
    )
    login_in_browser(facilitator)
    page.goto(issue.get_absolute_url())
    page.get_by_role("heading", level=1, name="Winter update").wait_for()
    expect(page.get_by_label("Every confirmed subscriber: 7")).to_be_checked()
    axe(page)

    page.get_by_role("button", name="Send it now").click()
    page.wait_for_url(re.compile(r"/newsletter/archive/winter-update/$"))
    page.wait_for_load_state()
    summary = page.locator("#send-progress-summary")
    expect(summary).to_have_text("Waiting for the worker to start sending to 7 subscribers.")
    axe(page)

    # The worker runs (here, in the test's process); the page shows the outcome without being reloaded.
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)
    expect(summary).to_contain_text("7 of 7 sent, 0 refused by the mail server", timeout=20_000)
    expect(page.locator("#send-progress-bar")).to_have_attribute("value", "7")
    assert len(mailoutbox) == 7
    axe(page)
