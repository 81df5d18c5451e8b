"""End to end in Chromium: a lead logs in to their partnership's hub, gives its contact and writes an example from
it; a facilitator resends a lead's invitation, moves a lead and deactivates one. axe-core checks every page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from learning import seed
from learning.models import LearningExample, State
from partnerships.models import Membership, MembershipRole
from tests.browser import arrive
from tests.conftest import wait_for_mail
from tests.learning_data import make_example

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HUB = "Devon, Plymouth, Torbay"


def test_lead_lands_on_the_hub_gives_the_contact_and_writes_an_example(
    page, axe, login_in_browser, partnership_a, lead_a
):
    seed.load()  # NCB's deck gives Devon one example; a second is published on the portal
    make_example(partnership_a, State.PUBLISHED, title="Multi-agency audit of neglect cases")
    published = list(LearningExample.objects.published().filter(partnership=partnership_a))
    assert len(published) == 2

    login_in_browser(lead_a)
    arrive(page, heading=HUB, url=re.compile(r"/partnerships/devon-plymouth-torbay/$"))
    for example in published:
        expect(page.get_by_role("link", name=example.title)).to_be_visible()
    page.get_by_text("No contact has been given for this partnership yet.").wait_for()
    page.get_by_text("This partnership has no drafts or examples in review.").wait_for()
    axe(page)

    # The contact: a mistake is explained, then saved.
    page.get_by_role("link", name=f"Add a contact for {HUB}").click()
    arrive(page, heading=f"Contact for {HUB}")
    axe(page)
    page.get_by_label("Contact email").fill("not an address")
    page.get_by_role("button", name="Save the contact").click()
    page.get_by_role("alert").wait_for()
    expect(page).to_have_title(re.compile(r"^Error: Contact for"))
    axe(page)
    page.get_by_label("Contact name").fill("Jo Bloggs")
    page.get_by_label("Contact's role").fill("Partnership manager")
    page.get_by_label("Contact email").fill("jo@example.org")
    page.get_by_role("button", name="Save the contact").click()
    arrive(page, heading=HUB)
    page.get_by_text(f"The contact for {HUB} is saved: Jo Bloggs.").wait_for()
    expect(page.get_by_role("link", name="jo@example.org")).to_be_visible()

    # Write an example from the hub: the partnership is already chosen.
    page.get_by_role("link", name=f"Write an example for {HUB}").click()
    arrive(page, heading="Write a learning example")
    expect(page.get_by_label("Partnership")).to_have_value(str(partnership_a.pk))
    page.get_by_label("Title").fill("Joint triage at the front door")
    page.get_by_label("Voice of children, young people and families").check()
    page.get_by_label("Being tested").check()
    page.get_by_label("Summary").fill("Police, health and social care triage referrals together.")
    page.get_by_label("Contact name").fill("Jo Bloggs")
    page.get_by_role("button", name="Save").click()
    arrive(page, heading="Joint triage at the front door")
    axe(page)

    # Back on the hub, the draft is among the partnership's unfinished work.
    page.get_by_role("link", name=HUB).first.click()
    arrive(page, heading=HUB)
    row = page.get_by_role("row", name=re.compile("Joint triage at the front door"))
    expect(row).to_contain_text("Draft")
    axe(page)


def test_facilitator_resends_an_invitation_moves_a_lead_and_deactivates_one(
    page, axe, login_in_browser, facilitator, lead_a, lead_b, partnership_a, partnership_b
):
    invited = get_user_model().objects.create_user(
        username="robin@example.org", email="robin@example.org", first_name="Robin", last_name="Lead"
    )
    Membership.objects.create(user=invited, partnership=partnership_a, role=MembershipRole.LEAD)

    login_in_browser(facilitator)
    arrive(page, url=re.compile(r"/dashboard/$"))
    page.get_by_role("link", name="Partnership leads").click()
    arrive(page, heading="Partnership leads")
    axe(page)

    # Resend Robin's invitation.
    page.get_by_role("link", name="Manage Robin Lead's account").click()
    arrive(page, heading="Robin Lead")
    axe(page)
    page.get_by_role("button", name="Send the invitation again").click()
    arrive(page, heading="Robin Lead")
    page.get_by_text("a new invitation. Earlier invitation links no longer work.").wait_for()
    wait_for_mail(page)
    assert [message.to for message in mail.outbox] == [["robin@example.org"]]
    axe(page)

    # Move Alex from Devon to North Lincolnshire.
    page.get_by_role("link", name="Partnership leads").first.click()
    arrive(page, heading="Partnership leads")
    page.get_by_role("link", name="Manage Alex's account").click()
    arrive(page, heading="Alex")
    page.get_by_label("Move to").select_option(label="North Lincolnshire")
    page.get_by_role("button", name="Move the lead").click()
    arrive(page, heading="Alex")
    page.get_by_text("is now a lead of North Lincolnshire instead of Devon, Plymouth, Torbay").wait_for()
    axe(page)
    assert set(lead_a.memberships.values_list("partnership__slug", flat=True)) == {"north-lincolnshire"}

    # Deactivate Bo, after confirming.
    page.get_by_role("link", name="Partnership leads").first.click()
    arrive(page, heading="Partnership leads")
    page.get_by_role("link", name="Manage Bo's account").click()
    arrive(page, heading="Bo")
    page.get_by_role("link", name="Deactivate the account").click()
    arrive(page, heading="Deactivate Bo's account?")
    axe(page)
    page.get_by_role("button", name="Deactivate the account").click()
    arrive(page, heading="Bo")
    page.get_by_text("is deactivated and can no longer log in").wait_for()
    axe(page)
    lead_b.refresh_from_db()
    assert not lead_b.is_active
