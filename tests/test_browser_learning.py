"""End to end in Debian's Chromium: a lead contributes an example, a facilitator returns it and then publishes it,
and a visitor finds it; axe-core checks every page of the learning feature, logged in and out."""

import pytest

from learning import seed
from learning.models import LearningExample, State
from tests.browser import arrive
from tests.learning_data import make_example

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Young people co-chair the partnership's scrutiny panel"
FEEDBACK = "Please say how the young people were recruited and what changed as a result."


@pytest.fixture
def deck(programme):
    seed.load()


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    # Logging out leads to the home page, whose "Log in" link only a logged-out visitor has.
    page.get_by_role("link", name="Log in").wait_for()
    page.wait_for_load_state("load")


def test_contribute_review_publish_and_find(page, axe, login_in_browser, deck, lead_a, facilitator):
    # The lead writes an example.
    login_in_browser(lead_a)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contribute").click()
    arrive(page, heading="My partnership's examples")
    axe(page)
    page.get_by_role("link", name="Write a new example").click()
    arrive(page, heading="Write a learning example")
    page.get_by_role("button", name="Save").click()  # empty: the missing title is summarised
    page.get_by_role("heading", name="There is a problem with what you entered").wait_for()
    axe(page)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Voice of children, young people and families").check()
    page.get_by_label("Being tested").check()
    page.get_by_label("Summary").fill("Two young people co-chair the panel that scrutinises the partnership.")
    page.get_by_label("Context", exact=True).fill("Young people asked for a real say.")
    page.get_by_label("What was done").fill("- Recruited two co-chairs\n- Paid them for their time")
    page.get_by_label("Contact name").fill("Alex Lead")
    page.get_by_role("button", name="Save").click()
    arrive(page, heading=TITLE)
    assert "has been saved as a draft" in page.content()
    axe(page)

    # ... and submits it, confirming nobody can be identified.
    page.get_by_role("link", name="Submit for review").click()
    arrive(page, heading=f"Submit “{TITLE}” for review")
    axe(page)
    page.get_by_label("I confirm that no child, family or member of staff can be identified").check()
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("has been submitted").wait_for()
    log_out(page)

    # The facilitator returns it with feedback.
    login_in_browser(facilitator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review").click()
    arrive(page, heading="Review queue")
    axe(page)
    page.get_by_role("link", name=TITLE).click()
    arrive(page, heading=f"Review “{TITLE}”")
    axe(page)
    page.get_by_label("Feedback for the partnership").fill(FEEDBACK)
    page.get_by_role("button", name="Return with feedback").click()
    page.get_by_text("has been returned with your feedback").wait_for()
    log_out(page)

    # The lead sees the feedback, edits and resubmits.
    login_in_browser(lead_a)
    page.goto("/contribute/")
    page.get_by_role("link", name=TITLE).click()
    arrive(page, heading=TITLE)
    page.get_by_text(FEEDBACK).wait_for()
    axe(page)
    page.get_by_role("link", name="Edit").click()
    arrive(page, heading=f"Edit “{TITLE}”")
    axe(page)
    page.get_by_label("Impact and evidence").fill(
        "Recruited through the youth council; the panel changed two priorities."
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your changes to").wait_for()
    page.get_by_role("link", name="Submit for review").click()
    arrive(page, heading=f"Submit “{TITLE}” for review")
    page.get_by_label("I confirm that no child, family or member of staff can be identified").check()
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("has been submitted").wait_for()
    log_out(page)

    # The facilitator publishes it.
    login_in_browser(facilitator)
    page.goto("/review/")
    page.get_by_role("link", name=TITLE).click()
    arrive(page, heading=f"Review “{TITLE}”")
    page.get_by_label("I confirm that no child, family or member of staff can be identified").check()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("is published. The partnership").wait_for()
    page.get_by_role("link", name="Version history").click()
    arrive(page, heading=f"Version history of “{TITLE}”")
    axe(page)
    page.get_by_role("button", name="Compare").click()
    page.get_by_text("added:").first.wait_for()
    axe(page)
    log_out(page)

    # A visitor finds it through the filters.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Learning examples").click()
    arrive(page, heading="Learning examples")
    page.get_by_label("Theme").select_option(label="Voice of children, young people and families")
    page.get_by_label("Stage of development").select_option(label="Being tested")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/learning/?*theme=voice-of-children-young-people-and-families*")
    assert page.locator("article h2").all_inner_texts() == [TITLE]
    axe(page)
    page.get_by_role("link", name=TITLE).click()
    arrive(page, heading=TITLE)
    page.get_by_role("heading", name="Impact and evidence").wait_for()
    axe(page)
    assert LearningExample.objects.get(title=TITLE).state == State.PUBLISHED


PUBLIC_PAGES = [
    "/",
    "/enquiry/",
    "/learning/",
    "/learning/?theme=no-such-theme",
    "/learning/?theme=independent-scrutiny&stage=idea&q=peer",
    "/learning/stages/",
    "/learning/devon-scrutiny-processes/",
    "/themes/engagement-with-schools/",
    "/themes/role-of-wider-partners/",
    "/accounts/login/",
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_axe_violations_logged_out(page, axe, deck, path):
    page.goto(path)
    axe(page)


def test_no_axe_violations_for_a_lead(page, axe, login_in_browser, deck, lead_a, partnership_a):
    draft = make_example(partnership_a, State.RETURNED, title="A returned draft")
    login_in_browser(lead_a)
    for path in [
        "/",
        "/contribute/",
        "/contribute/?state=returned",
        "/contribute/new/",
        draft.get_absolute_url(),
        f"/learning/{draft.slug}/edit/",
        f"/learning/{draft.slug}/submit/",
        "/learning/",
        "/accounts/password_change/",
    ]:
        page.goto(path)
        axe(page)


def test_no_axe_violations_for_a_facilitator(page, axe, login_in_browser, deck, facilitator, partnership_a):
    example = make_example(partnership_a, State.SUBMITTED, title="Waiting for review")
    login_in_browser(facilitator)
    item_id = seed.CuratedItem.objects.first().pk
    for path in [
        "/review/",
        "/review/curation/",
        "/review/curation/new/",
        f"/review/curation/{item_id}/edit/",
        f"/review/curation/{item_id}/delete/",
        example.get_absolute_url(),
        f"/learning/{example.slug}/review/",
        f"/learning/{example.slug}/history/",
        f"/learning/{example.slug}/history/compare/?from=1&to=1",
        "/learning/devon-scrutiny-processes/review/",
        "/contribute/",
        "/enquiry/",
    ]:
        page.goto(path)
        axe(page)
    # A form with errors, too.
    page.goto(f"/learning/{example.slug}/review/")
    page.get_by_role("button", name="Return with feedback").click()
    page.locator(".error-summary").wait_for()  # only on the page the failed form returns
    axe(page)
