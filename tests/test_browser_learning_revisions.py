"""End to end in Debian's Chromium: a lead saves a draft with only a title, is shown what submitting needs,
proposes a change to a published example and reads NCB's feedback on it; a facilitator reviews a revision with
its differences, publishes it with the identification-risk confirmation, and restores an old version as a
revision after seeing what it changes. axe-core checks every page on the way."""

from types import SimpleNamespace

import pytest

from learning import workflow
from learning.history import save_revision, snapshot
from learning.models import ExampleRevision, LearningExample, RevisionState, State
from tests.browser import arrive
from tests.learning_data import make_example

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Joint audits of neglect cases"
PUBLISHED = "Peer review between neighbouring areas"
FEEDBACK = "Please name the audit tool and say how many cases were looked at."
CONFIRM = "I confirm that no child, family or member of staff can be identified"


def test_lead_drafts_with_a_title_then_proposes_a_change_and_reads_feedback(
    page, axe, login_in_browser, lead_a, facilitator, partnership_a
):
    published = make_example(partnership_a, State.PUBLISHED, title=PUBLISHED)
    login_in_browser(lead_a)

    # A draft with only a title is saved.
    page.goto("/contribute/new/")
    arrive(page, heading="Write a learning example")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("button", name="Save").click()
    arrive(page, heading=TITLE)
    assert "has been saved as a draft" in page.content()
    axe(page)

    # Submitting says what is missing, each linked to its field.
    page.get_by_role("link", name="Submit for review").click()
    arrive(page, heading=f"Submit “{TITLE}” for review")
    page.get_by_role("heading", name="Before you can submit, add what is missing").wait_for()
    axe(page)
    page.get_by_role("link", name="Summary: Write a summary.").click()
    arrive(page, heading=f"Edit “{TITLE}”")
    assert page.url.endswith("/edit/#id_summary")
    page.get_by_label("Summary").fill("Police, health and children's social care audit neglect cases together.")
    page.get_by_label("Independent scrutiny").check()
    page.get_by_label("Being tested").check()
    page.get_by_label("Contact name").fill("Alex Lead")
    page.get_by_role("button", name="Save").click()
    arrive(page, heading=TITLE)
    page.get_by_role("link", name="Submit for review").click()
    arrive(page, heading=f"Submit “{TITLE}” for review")
    page.get_by_label(CONFIRM).check()
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("has been submitted").wait_for()

    # The lead proposes a change to their published example; the public page stays as it was.
    page.goto(published.get_absolute_url())
    arrive(page, heading=PUBLISHED)
    page.get_by_role("link", name="Propose a revision").click()
    arrive(page, heading=f"Propose a revision of “{PUBLISHED}”")
    axe(page)
    page.get_by_label("Impact and evidence").fill("An audit of forty cases found decisions were quicker.")
    page.get_by_role("button", name="Save").click()
    arrive(page, heading=f"Proposed revision of “{PUBLISHED}”")
    page.get_by_text("added:").first.wait_for()
    axe(page)
    page.get_by_role("link", name="Submit the revision for review").click()
    arrive(page, heading=f"Submit the revision of “{PUBLISHED}” for review")
    axe(page)
    page.get_by_label(CONFIRM).check()
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("has been submitted").wait_for()
    published.refresh_from_db()
    assert "forty cases" not in published.impact_and_evidence

    # NCB returns it; the lead reads the feedback beside the form while revising.
    revision = ExampleRevision.objects.get(example=published)
    workflow.return_revision(SimpleNamespace(user=facilitator), revision, FEEDBACK)
    page.goto("/contribute/")
    arrive(page, heading="My partnership's examples")
    axe(page)
    page.get_by_role("link", name="Revision: returned with feedback").click()
    arrive(page, heading=f"Proposed revision of “{PUBLISHED}”")
    page.get_by_role("link", name="Edit the revision").click()
    arrive(page, heading=f"Propose a revision of “{PUBLISHED}”")
    page.get_by_text(FEEDBACK).wait_for()
    axe(page)


def test_facilitator_reviews_publishes_and_restores_as_a_revision(
    page, axe, login_in_browser, facilitator, lead_a, partnership_a
):
    published = make_example(partnership_a, State.PUBLISHED, title=PUBLISHED)
    content = {**snapshot(published), "what_was_done": "Each partnership audits ten of the other's cases a year."}
    revision = save_revision(published, content, lead_a, expected_version=0)
    ExampleRevision.objects.filter(pk=revision.pk).update(state=RevisionState.SUBMITTED)
    login_in_browser(facilitator)

    # The revision waits in the queue; its page shows what would change.
    page.goto("/review/")
    arrive(page, heading="Review queue")
    axe(page)
    page.get_by_role("link", name=PUBLISHED).click()
    arrive(page, heading=f"Proposed revision of “{PUBLISHED}”")
    page.get_by_role("heading", name="What was done").wait_for()
    assert "audits ten of" in " ".join(page.locator(".diff-text ins").all_inner_texts())
    axe(page)

    # Publishing needs the identification-risk confirmation.
    page.get_by_role("button", name="Publish").click()
    page.locator(".error-summary").wait_for()
    axe(page)
    page.get_by_label(CONFIRM).check()
    page.get_by_role("button", name="Publish").click()
    arrive(page, heading=PUBLISHED)
    page.get_by_text("is published. The partnership").wait_for()
    page.get_by_text("ten of the other's cases a year").wait_for()

    # Restoring version 1 shows what it would take away, then proposes it as a revision: the page stays.
    page.get_by_role("link", name="Version history").click()
    arrive(page, heading=f"Version history of “{PUBLISHED}”")
    axe(page)
    page.get_by_role("link", name="Restore version 1").click()
    arrive(page, heading=f"Restore version 1 of “{PUBLISHED}”?")
    assert "audits ten of" in " ".join(page.locator(".diff-text del").all_inner_texts())
    axe(page)
    page.get_by_role("button", name="Restore version 1 as a proposed revision").click()
    arrive(page, heading=f"Proposed revision of “{PUBLISHED}”")
    page.get_by_text("is now the proposed revision").wait_for()
    axe(page)
    published.refresh_from_db()
    assert published.version == 2 and "ten of the other's cases" in published.what_was_done
    assert LearningExample.objects.get(pk=published.pk).revisions.open().get().note == "Restored from version 1"
