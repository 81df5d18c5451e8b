"""The review workflow through the test client, with the emails each step sends; versions; optimistic locking."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from learning.models import Action, ExampleVersion, LearningExample, State, Transition
from tests.html import visible_text
from tests.learning_data import example_form_data, make_example

FEEDBACK = "Please remove the school's name from the second paragraph and add what the evaluation found."


@pytest.fixture
def reviewer(facilitator):
    # A second facilitator: both are told of a submission.
    from django.contrib.auth import get_user_model

    from partnerships.roles import facilitators_group

    other = get_user_model().objects.create_user("facilitator-2", "facilitator-2@example.org", "x-long-password-9")
    other.groups.add(facilitators_group())
    return facilitator


@pytest.mark.django_db
def test_whole_workflow_with_return_and_resubmission(client_for, lead_a, reviewer, lead_b, partnership_a):
    facilitator = reviewer
    lead = client_for(lead_a)

    # The lead writes a draft for their partnership; nobody outside sees it.
    response = lead.post(reverse("learning:example_create"), example_form_data(partnership=partnership_a.pk))
    example = LearningExample.objects.get()
    assert response.status_code == 302 and response["Location"] == example.get_absolute_url()
    assert example.state == State.DRAFT and example.partnership == partnership_a and example.created_by == lead_a
    assert example.versions.count() == 1
    assert client_for(None).get(example.get_absolute_url()).status_code == 404
    assert client_for(lead_b).get(example.get_absolute_url()).status_code == 404
    assert not mail.outbox

    # Submitting needs the anonymity confirmation; without it, a clear error and nothing changes.
    lead = client_for(lead_a)
    submit_url = reverse("learning:example_submit", args=[example.slug])
    response = lead.post(submit_url, {})
    assert response.status_code == 200
    assert "Confirm that no child, family or member of staff can be identified" in response.content.decode()
    example.refresh_from_db()
    assert example.state == State.DRAFT and not mail.outbox

    response = lead.post(submit_url, {"anonymity_confirmed": "on"}, follow=True)
    assert "has been submitted" in response.content.decode()
    example.refresh_from_db()
    assert example.state == State.SUBMITTED and example.submitted_at is not None
    submitted = Transition.objects.get(action=Action.SUBMIT)
    assert submitted.by == lead_a and submitted.anonymity_confirmed
    (email,) = mail.outbox
    assert sorted(email.to) == ["facilitator-2@example.org", "facilitator@example.org"]
    assert example.title in email.subject and "submitted" in email.subject.lower()
    assert example.get_absolute_url() in email.body

    # While it is with NCB the lead cannot edit it.
    response = lead.get(reverse("learning:example_edit", args=[example.slug]), follow=True)
    assert "cannot be edited now" in response.content.decode()

    # The facilitator finds it in the queue and returns it; feedback is required.
    reviewer_client = client_for(facilitator)
    assert example.title in reviewer_client.get(reverse("learning:review_queue")).content.decode()
    return_url = reverse("learning:example_return", args=[example.slug])
    response = reviewer_client.post(return_url, {"return-feedback": ""})
    assert response.status_code == 400
    assert "Write the feedback the partnership needs" in response.content.decode()
    response = reviewer_client.post(return_url, {"return-feedback": FEEDBACK})
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.state == State.RETURNED
    returned = Transition.objects.get(action=Action.RETURN)
    assert returned.by == facilitator and returned.feedback == FEEDBACK
    email = mail.outbox[-1]
    assert email.to == ["lead-a@example.org"] and "returned" in email.subject.lower() and FEEDBACK in email.body

    # The lead sees the feedback on their list and on the example, edits and resubmits.
    lead = client_for(lead_a)
    assert "Please remove the school" in visible_text(lead.get(reverse("learning:my_examples")).content)
    assert FEEDBACK in visible_text(lead.get(example.get_absolute_url()).content)
    response = lead.post(
        reverse("learning:example_edit", args=[example.slug]),
        example_form_data(example, what_was_done="What the partnership did, without naming anyone."),
    )
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.version == 2 and example.versions.count() == 2
    lead.post(submit_url, {"anonymity_confirmed": "on"})
    example.refresh_from_db()
    assert example.state == State.SUBMITTED
    assert Transition.objects.filter(action=Action.SUBMIT).count() == 2
    assert "submitted" in mail.outbox[-1].subject.lower() and len(mail.outbox[-1].to) == 2

    # Publishing needs the facilitator's own confirmation.
    reviewer_client = client_for(facilitator)
    publish_url = reverse("learning:example_publish", args=[example.slug])
    response = reviewer_client.post(publish_url, {})
    assert response.status_code == 400
    example.refresh_from_db()
    assert example.state == State.SUBMITTED
    reviewer_client.post(publish_url, {"publish-anonymity_confirmed": "on"})
    example.refresh_from_db()
    assert example.state == State.PUBLISHED and example.published_at is not None
    published = Transition.objects.get(action=Action.PUBLISH)
    assert published.by == facilitator and published.anonymity_confirmed
    assert mail.outbox[-1].to == ["lead-a@example.org"] and "published" in mail.outbox[-1].subject.lower()
    assert len(mail.outbox) == 4

    # Now everyone sees it, and finds it in the list.
    assert client_for(None).get(example.get_absolute_url()).status_code == 200
    assert example.title in client_for(lead_b).get(reverse("learning:example_list")).content.decode()

    # Unpublishing hides it again and tells the lead.
    reviewer_client = client_for(facilitator)
    reviewer_client.post(
        reverse("learning:example_unpublish", args=[example.slug]), {"unpublish-reason": "A family asked us to."}
    )
    example.refresh_from_db()
    assert example.state == State.UNPUBLISHED
    assert client_for(None).get(example.get_absolute_url()).status_code == 404
    assert "unpublished" in mail.outbox[-1].subject.lower() and "A family asked us to." in mail.outbox[-1].body
    assert list(example.transitions.values_list("action", flat=True)) == [
        Action.UNPUBLISH,
        Action.PUBLISH,
        Action.SUBMIT,
        Action.RETURN,
        Action.SUBMIT,
    ]


@pytest.mark.django_db
def test_transitions_from_the_wrong_state_are_refused(client_for, facilitator, partnership_a):
    example = make_example(partnership_a, State.DRAFT)
    client = client_for(facilitator)
    response = client.post(
        reverse("learning:example_return", args=[example.slug]), {"return-feedback": "x"}, follow=True
    )
    assert "cannot be returned" in response.content.decode()
    response = client.post(reverse("learning:example_unpublish", args=[example.slug]), follow=True)
    assert "cannot be unpublished" in response.content.decode()
    example.refresh_from_db()
    assert example.state == State.DRAFT and not example.transitions.exists() and not mail.outbox


@pytest.mark.django_db
def test_review_queue_is_oldest_first_and_only_submitted(client_for, facilitator, partnership_a, partnership_b):
    from django.utils import timezone

    older = make_example(partnership_b, State.SUBMITTED, title="Submitted first")
    newer = make_example(partnership_a, State.SUBMITTED, title="Submitted second")
    make_example(partnership_a, State.DRAFT, title="Still a draft")
    LearningExample.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timezone.timedelta(days=3))
    text = visible_text(client_for(facilitator).get(reverse("learning:review_queue")).content)
    assert text.index(older.title) < text.index(newer.title)
    assert "Still a draft" not in text


# Optimistic locking -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_second_stale_save_is_refused_and_its_text_kept(client_for, facilitator, lead_a, partnership_a):
    example = make_example(partnership_a, State.DRAFT)
    edit_url = reverse("learning:example_edit", args=[example.slug])
    # Both open the form at version 1.
    first = example_form_data(example, summary="The facilitator's tightened summary.")
    second = example_form_data(example, summary="The lead's own new summary, with much more detail.")

    assert client_for(facilitator).post(edit_url, first).status_code == 302
    response = client_for(lead_a).post(edit_url, second)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this example after you opened it" in html
    assert "The lead&#x27;s own new summary, with much more detail." in html
    assert 'name="version" value="1"' in html
    example.refresh_from_db()
    assert example.summary == "The facilitator's tightened summary." and example.version == 2
    assert example.versions.count() == 2

    # Resending the same stale form is refused again: it never overwrites silently.
    assert client_for(lead_a).post(edit_url, second).status_code == 409
    # Starting from the latest version, the lead's save goes through.
    assert client_for(lead_a).post(edit_url, {**second, "version": 2}).status_code == 302
    example.refresh_from_db()
    assert example.summary.startswith("The lead's own new summary") and example.version == 3


@pytest.mark.django_db
def test_invalid_form_keeps_what_was_written(client_for, lead_a, partnership_a):
    data = example_form_data(partnership=partnership_a.pk, title="", what_was_done="Everything I wrote today.")
    response = client_for(lead_a).post(reverse("learning:example_create"), data)
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "Everything I wrote today." in html
    assert not LearningExample.objects.exists()


# Versions ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_facilitator_sees_versions_compares_two_and_restores_one(client_for, facilitator, lead_a, partnership_a):
    example = make_example(partnership_a, State.DRAFT, summary="The original summary about peer review.")
    edit_url = reverse("learning:example_edit", args=[example.slug])
    client_for(lead_a).post(
        edit_url, example_form_data(example, summary="The rewritten summary about peer review.", title="New title")
    )
    example.refresh_from_db()

    client = client_for(facilitator)
    history = visible_text(client.get(reverse("learning:example_history", args=[example.slug])).content)
    assert "Version 2 (current)" in history and "Version 1" in history and "Alex" in history

    compare = client.get(reverse("learning:example_compare", args=[example.slug]), {"from": 1, "to": 2})
    html = compare.content.decode()
    assert '<del><span class="visually-hidden">[removed: </span>original' in html
    assert '<ins><span class="visually-hidden">[added: </span>rewritten' in html
    text = visible_text(html)
    assert "Title" in text and "Summary" in text and "Context" not in text, "only changed fields are shown"

    response = client.post(reverse("learning:example_restore", args=[example.slug, 1]), follow=True)
    assert "Version 1 has been restored as version 3" in response.content.decode()
    example.refresh_from_db()
    assert example.summary == "The original summary about peer review." and example.title == make_title()
    assert example.version == 3
    assert list(ExampleVersion.objects.filter(example=example).values_list("number", flat=True)) == [3, 2, 1]
    assert example.versions.first().note == "Restored from version 1"


def make_title():
    return "Peer review between neighbouring areas"


@pytest.mark.django_db
def test_compare_with_unknown_versions_is_404(client_for, facilitator, partnership_a):
    example = make_example(partnership_a)
    client = client_for(facilitator)
    url = reverse("learning:example_compare", args=[example.slug])
    assert client.get(url, {"from": 1, "to": 9}).status_code == 404
    assert client.get(url, {"from": "x", "to": 1}).status_code == 404


@pytest.mark.django_db
def test_saving_after_submitting_in_another_tab_keeps_the_text(client_for, lead_a, partnership_a):
    example = make_example(partnership_a, State.DRAFT)
    edit_url = reverse("learning:example_edit", args=[example.slug])
    lead = client_for(lead_a)
    open_form = example_form_data(example, impact_and_evidence="Ninety minutes of careful writing.")
    # Another tab submits the example while this form is still open.
    lead.post(reverse("learning:example_submit", args=[example.slug]), {"anonymity_confirmed": "on"})

    response = lead.post(edit_url, open_form)
    assert response.status_code == 409
    html = response.content.decode()
    assert "cannot be edited now" in html and "has not been saved" in html
    assert "Ninety minutes of careful writing." in html
    example.refresh_from_db()
    assert example.state == State.SUBMITTED
    assert example.impact_and_evidence != "Ninety minutes of careful writing."


@pytest.mark.django_db
def test_the_database_refuses_a_published_example_without_a_publication_date(partnership_a):
    example = make_example(partnership_a, State.PUBLISHED)
    with pytest.raises(IntegrityError), transaction.atomic():
        LearningExample.objects.filter(pk=example.pk).update(published_at=None)
    LearningExample.objects.filter(pk=example.pk).update(state=State.UNPUBLISHED, published_at=None)


@pytest.mark.django_db
def test_a_save_in_the_admin_is_a_new_version(client_for, admin_user, partnership_a):
    example = make_example(partnership_a, title="Before the admin")
    data = {
        **example_form_data(example, title="Corrected in the admin"),
        "slug": example.slug,
        # The version the change form was opened at (the admin's optimistic lock, learning/admin.py).
        "opened_version": example.version,
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
    }
    url = reverse("admin:learning_learningexample_change", args=[example.pk])
    response = client_for(admin_user).post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    example.refresh_from_db()
    assert (example.title, example.version) == ("Corrected in the admin", 2)
    latest = example.versions.order_by("-number").first()
    assert (latest.number, latest.saved_by, latest.note) == (2, admin_user, "Saved in the admin")
    assert latest.content["title"] == "Corrected in the admin"
