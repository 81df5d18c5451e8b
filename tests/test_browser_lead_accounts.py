"""A facilitator adds a partnership lead in the browser; the pages pass axe-core."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser import arrive
from tests.conftest import wait_for_mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facilitator_adds_a_lead(page, axe, facilitator, partnership_b, login_in_browser):
    login_in_browser(facilitator)
    page.get_by_role("link", name="Partnership leads").click()
    arrive(page, heading="Partnership leads")
    axe(page)
    page.get_by_role("link", name="Add a partnership lead").click()
    arrive(page, heading="Add a partnership lead")
    page.get_by_role("button", name="Add the lead and send the invitation").click()
    page.get_by_role("alert").wait_for()  # only on the page the failed form returns
    axe(page)  # the form with its error summary
    expect(page).to_have_title(re.compile(r"^Error: Add a partnership lead"))
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Lead")
    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label("Partnership").select_option(label="North Lincolnshire")
    page.get_by_role("button", name="Add the lead and send the invitation").click()
    arrive(page, heading="Partnership leads")
    page.get_by_text("Robin Lead is now a lead of North Lincolnshire").wait_for()
    assert page.locator("table tbody tr", has_text="robin@example.org").inner_text().startswith("North Lincolnshire")
    wait_for_mail(page)
    assert [message.to for message in mail.outbox] == [["robin@example.org"]]
