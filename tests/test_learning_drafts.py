"""A draft needs only its title: nothing a lead writes is lost to validation. What submitting needs is asked for
when the example is submitted, each missing field linked on the edit form; NCB's feedback sits beside the form;
"Last changed" on /contribute/ is the latest thing that happened, a return included."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.models import LearningExample, State
from tests.html import parse_tables, visible_text
from tests.learning_data import example_form_data, make_example

FEEDBACK = "Please add what the evaluation found, and remove the school's name."


def title_only(partnership, title="Multi-agency audits of neglect cases"):
    return {"title": title, "partnership": partnership.pk, "version": 1}


@pytest.mark.django_db
def test_a_lead_saves_a_draft_with_only_a_title(client_for, lead_a, partnership_a):
    response = client_for(lead_a).post(reverse("learning:example_create"), title_only(partnership_a), follow=True)
    assert "has been saved as a draft" in response.content.decode()
    example = LearningExample.objects.get()
    assert example.state == State.DRAFT and example.summary == "" and not example.themes.exists()
    assert example.versions.count() == 1
    # ... and without a title, it is still refused, keeping the rest.
    response = client_for(lead_a).post(
        reverse("learning:example_create"), {**title_only(partnership_a, ""), "context": "Notes from Tuesday."}
    )
    assert response.status_code == 200 and "Notes from Tuesday." in response.content.decode()
    assert "Title: This field is required." in visible_text(response.content)
    assert LearningExample.objects.count() == 1


@pytest.mark.django_db
def test_submitting_an_incomplete_draft_lists_what_is_missing_linked_to_the_fields(
    client_for, lead_a, facilitator, partnership_a
):
    lead = client_for(lead_a)
    lead.post(reverse("learning:example_create"), title_only(partnership_a))
    example = LearningExample.objects.get()
    edit_url = reverse("learning:example_edit", args=[example.slug])
    submit_url = reverse("learning:example_submit", args=[example.slug])

    html = lead.get(submit_url).content.decode()
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', html[html.index("error-summary") :].split("</ul>")[0])
    assert links == [
        (f"{edit_url}#id_themes_0", "Themes: Choose at least one theme."),
        (f"{edit_url}#id_summary", "Summary: Write a summary."),
        (f"{edit_url}#id_stage_0", "Stage: Choose the stage of development."),
        (f"{edit_url}#id_contact_name", "Contact name: Name a contact for the example."),
    ]
    assert "I confirm that no child" not in html, "nothing to confirm until it is complete"
    # Every link leads to a field on the edit form.
    form = lead.get(edit_url).content.decode()
    for anchor in ["id_themes_0", "id_summary", "id_stage_0", "id_contact_name"]:
        assert f'id="{anchor}"' in form

    # Posting anyway changes nothing, and the draft keeps everything written.
    response = lead.post(submit_url, {"anonymity_confirmed": "on"})
    assert response.status_code == 400 and "<title>Error: Submit" in response.content.decode()
    example.refresh_from_db()
    assert example.state == State.DRAFT and not example.transitions.exists()

    # Once complete, it is submitted as before.
    complete = example_form_data(None, title=example.title, partnership=partnership_a.pk)
    assert lead.post(edit_url, complete).status_code == 302
    assert "Before you can submit" not in lead.get(submit_url).content.decode()
    lead.post(submit_url, {"anonymity_confirmed": "on"})
    example.refresh_from_db()
    assert example.state == State.SUBMITTED


@pytest.mark.django_db
def test_a_facilitator_needs_only_themes_and_summary_and_cannot_publish_without_them(
    client_for, facilitator, partnership_a
):
    example = make_example(partnership_a, State.DRAFT, summary="", themes=[], stage="")
    client = client_for(facilitator)
    text = visible_text(client.get(reverse("learning:example_submit", args=[example.slug])).content)
    assert "Summary: Write a summary." in text and "Stage" not in text.split("Before you can submit")[1][:200]

    review = visible_text(client.get(reverse("learning:example_review", args=[example.slug])).content)
    assert "Before the example can be published, add what is missing" in review
    response = client.post(
        reverse("learning:example_publish", args=[example.slug]), {"publish-anonymity_confirmed": "on"}
    )
    assert response.status_code == 400 and "<title>Error: Review" in response.content.decode()
    example.refresh_from_db()
    assert example.state == State.DRAFT and example.published_at is None


@pytest.mark.django_db
def test_feedback_is_on_the_edit_form_while_the_lead_revises(client_for, lead_a, facilitator, partnership_a):
    example = make_example(partnership_a, State.SUBMITTED)
    client_for(facilitator).post(reverse("learning:example_return", args=[example.slug]), {"return-feedback": FEEDBACK})
    form = visible_text(client_for(lead_a).get(reverse("learning:example_edit", args=[example.slug])).content)
    assert "Feedback from NCB" in form and FEEDBACK in form and "Returned with feedback by Fran" in form
    # A draft that was never returned has none.
    draft = make_example(partnership_a, State.DRAFT, title="Another draft")
    assert "Feedback from NCB" not in visible_text(
        client_for(lead_a).get(reverse("learning:example_edit", args=[draft.slug])).content
    )


@pytest.mark.django_db
def test_last_changed_shows_the_latest_change_including_a_return(client_for, lead_a, facilitator, partnership_a):
    returned = make_example(partnership_a, State.SUBMITTED, title="Returned later")
    edited = make_example(partnership_a, State.DRAFT, title="Edited last week")
    week_ago = timezone.now() - timezone.timedelta(days=7)
    LearningExample.objects.update(updated=week_ago, last_activity=week_ago)

    client_for(facilitator).post(
        reverse("learning:example_return", args=[returned.slug]), {"return-feedback": FEEDBACK}
    )
    rows = parse_tables(client_for(lead_a).get(reverse("learning:my_examples")).content.decode())[0]["tbody"]
    assert [row[0]["text"].split(" ")[0] for row in rows] == ["Returned", "Edited"]
    today = timezone.localtime().strftime("%-d %b %Y")
    assert rows[0][3]["text"].startswith(today), "the return is the latest change"
    assert rows[1][3]["text"].startswith(timezone.localtime(week_ago).strftime("%-d %b %Y"))
    returned.refresh_from_db()
    assert returned.updated == week_ago, "the content itself did not change"

    # A save of the content is a change too.
    client_for(lead_a).post(reverse("learning:example_edit", args=[edited.slug]), example_form_data(edited))
    rows = parse_tables(client_for(lead_a).get(reverse("learning:my_examples")).content.decode())[0]["tbody"]
    assert rows[0][0]["text"].startswith("Edited last week")
