"""Changes to a published example: a pending revision waits beside the live text until a facilitator reviews it
(with the differences from the published text) and publishes it; restore asks first and, for a published example,
proposes a revision. Through the test client, with the emails each step sends."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from learning.history import apply_content, save_revision, snapshot
from learning.models import Action, ExampleRevision, LearningExample, RevisionState, State, Transition
from partnerships.models import Theme
from tests.html import parse_tables, visible_text
from tests.learning_data import example_form_data, make_example

PUBLISHED_SUMMARY = "Two partnerships review each other's practice."
PROPOSED_SUMMARY = "Two partnerships review each other's practice every spring, with a shared audit tool."
FEEDBACK = "Please say which audit tool, and take out the name of the school in the context."
LOGIN = "login"


@pytest.fixture
def published(partnership_a):
    return make_example(partnership_a, State.PUBLISHED, title="Peer review between neighbouring areas")


def propose(client, example, **changes):
    """Post the editing form of a published example, as its editor would, starting from what the form shows."""
    revision = example.revisions.open().first()
    version = revision.version if revision else 0
    return client.post(
        reverse("learning:example_edit", args=[example.slug]),
        example_form_data(example, version=version, **changes),
    )


def open_revision_of(example):
    return ExampleRevision.objects.open().get(example=example)


# A lead proposes a change ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_lead_proposes_a_change_and_the_published_text_stays_live(client_for, lead_a, lead_b, published):
    lead = client_for(lead_a)
    page = visible_text(lead.get(published.get_absolute_url()).content)
    assert "Propose a revision" in page and "NCB will return it to you" not in page

    form = lead.get(reverse("learning:example_edit", args=[published.slug]))
    assert form.status_code == 200
    assert "Your changes are saved as a proposed revision" in visible_text(form.content)
    assert 'name="version" value="0"' in form.content.decode()

    response = propose(lead, published, summary=PROPOSED_SUMMARY)
    revision = open_revision_of(published)
    assert response.status_code == 302 and response["Location"] == revision.get_absolute_url()
    assert revision.state == RevisionState.DRAFT and revision.created_by == lead_a
    assert revision.content["summary"] == PROPOSED_SUMMARY and revision.based_on == 1

    # The example itself has not changed, and nobody outside sees that a revision exists.
    published.refresh_from_db()
    assert published.summary == PUBLISHED_SUMMARY and published.version == 1 and published.versions.count() == 1
    public = visible_text(client_for(None).get(published.get_absolute_url()).content)
    assert PUBLISHED_SUMMARY in public and "every spring" not in public and "revision" not in public.lower()
    other = visible_text(client_for(lead_b).get(published.get_absolute_url()).content)
    assert "revision" not in other.lower()
    assert client_for(lead_b).get(revision.get_absolute_url()).status_code == 404

    # The lead sees the pending revision on the example and on their list, and carries on editing it.
    lead = client_for(lead_a)
    page = visible_text(lead.get(published.get_absolute_url()).content)
    assert "This example has a proposed revision (draft)." in page and "Edit the proposed revision" in page
    rows = parse_tables(lead.get(reverse("learning:my_examples")).content.decode())[0]["tbody"]
    assert "Revision: draft" in rows[0][2]["text"]
    form = lead.get(reverse("learning:example_edit", args=[published.slug])).content.decode()
    assert "every spring, with a shared audit tool" in form and 'name="version" value="1"' in form
    response = propose(lead, published, summary=PROPOSED_SUMMARY + " It takes a day.")
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.version == 2 and revision.content["summary"].endswith("It takes a day.")
    assert ExampleRevision.objects.count() == 1


@pytest.mark.django_db
def test_submit_review_with_differences_return_and_publish(client_for, lead_a, facilitator, published):
    lead = client_for(lead_a)
    propose(lead, published, summary=PROPOSED_SUMMARY, themes=[Theme.objects.get(slug="independent-scrutiny").pk])
    revision = open_revision_of(published)

    # Submitting needs the anonymity confirmation, and tells the facilitators.
    submit_url = reverse("learning:revision_submit", args=[published.slug])
    assert "I confirm that no child" in lead.get(submit_url).content.decode()
    assert lead.post(submit_url, {}).status_code == 200
    revision.refresh_from_db()
    assert revision.state == RevisionState.DRAFT and not mail.outbox
    response = lead.post(submit_url, {"anonymity_confirmed": "on"}, follow=True)
    assert "has been submitted" in response.content.decode()
    revision.refresh_from_db()
    assert revision.state == RevisionState.SUBMITTED and revision.submitted_at is not None
    (email,) = mail.outbox
    assert email.to == ["facilitator@example.org"] and "revision submitted" in email.subject.lower()
    assert revision.get_absolute_url() in email.body

    # While NCB reviews it the lead cannot edit it: told so, and a form open in another tab keeps its text.
    response = lead.get(reverse("learning:example_edit", args=[published.slug]), follow=True)
    assert "is with NCB for review, so it cannot be edited now" in response.content.decode()
    response = propose(lead, published, summary="Two hours of careful writing.")
    assert response.status_code == 409 and "Two hours of careful writing." in response.content.decode()
    revision.refresh_from_db()
    assert revision.content["summary"] == PROPOSED_SUMMARY

    # The facilitator finds it in the queue; its page shows what changes, word by word.
    reviewer = client_for(facilitator)
    queue = parse_tables(reviewer.get(reverse("learning:review_queue")).content.decode())[1]["tbody"]
    assert [row[0]["text"] for row in queue] == [published.title]
    html = reviewer.get(revision.get_absolute_url()).content.decode()
    assert '<ins><span class="visually-hidden">[added: </span>practice every spring, with a shared audit tool.' in html
    assert "Summary" in visible_text(html) and "Context" not in visible_text(html), "only changed fields"

    # Returned with feedback: the lead is told and sees it on the edit form.
    return_url = reverse("learning:revision_return", args=[published.slug])
    assert reviewer.post(return_url, {"return-feedback": ""}).status_code == 400
    assert reviewer.post(return_url, {"return-feedback": FEEDBACK}).status_code == 302
    revision.refresh_from_db()
    assert revision.state == RevisionState.RETURNED and revision.feedback == FEEDBACK
    assert mail.outbox[-1].to == ["lead-a@example.org"] and FEEDBACK in mail.outbox[-1].body
    assert revision.get_absolute_url() in mail.outbox[-1].body
    lead = client_for(lead_a)
    form = visible_text(lead.get(reverse("learning:example_edit", args=[published.slug])).content)
    assert "Feedback from NCB" in form and FEEDBACK in form
    rows = parse_tables(lead.get(reverse("learning:my_examples")).content.decode())[0]["tbody"]
    assert FEEDBACK[:30] in rows[0][4]["text"]
    assert propose(lead, published, summary=PROPOSED_SUMMARY + " The tool is NCB's.").status_code == 302
    lead.post(submit_url, {"anonymity_confirmed": "on"})

    # Publishing needs the facilitator's own confirmation; then the revision is the published text.
    reviewer = client_for(facilitator)
    publish_url = reverse("learning:revision_publish", args=[published.slug])
    response = reviewer.post(publish_url, {})
    assert response.status_code == 400 and "Confirm that no child" in response.content.decode()
    published.refresh_from_db()
    assert published.summary == PUBLISHED_SUMMARY
    response = reviewer.post(publish_url, {"publish-anonymity_confirmed": "on"}, follow=True)
    assert "is published" in response.content.decode()
    published.refresh_from_db()
    assert published.state == State.PUBLISHED and published.summary.endswith("The tool is NCB's.")
    assert published.version == 2 and published.versions.first().note == "Published revision"
    assert "The tool is NCB" in client_for(None).get(published.get_absolute_url()).content.decode()
    revision.refresh_from_db()
    assert revision.state == RevisionState.PUBLISHED and revision.decided_by == facilitator
    step = Transition.objects.filter(action=Action.REVISION_PUBLISH).get()
    assert step.by == facilitator and step.anonymity_confirmed
    assert mail.outbox[-1].to == ["lead-a@example.org"] and "revision published" in mail.outbox[-1].subject.lower()
    # Nothing is pending any more: the example page offers a new revision.
    assert client_for(facilitator).get(reverse("learning:revision_detail", args=[published.slug])).status_code == 404


@pytest.mark.django_db
def test_a_facilitator_edits_a_published_example_and_publishes_the_change(client_for, facilitator, published):
    client = client_for(facilitator)
    theme = Theme.objects.get(slug="voice-of-children-young-people-and-families")
    propose(client, published, title="Peer review, with young people", themes=[theme.pk])
    published.refresh_from_db()
    assert published.title == "Peer review between neighbouring areas", "still the published text"
    client.post(reverse("learning:revision_publish", args=[published.slug]), {"publish-anonymity_confirmed": "on"})
    published.refresh_from_db()
    assert published.title == "Peer review, with young people"
    assert list(published.themes.values_list("slug", flat=True)) == [theme.slug]


@pytest.mark.django_db
def test_publishing_refuses_a_revision_without_summary_or_themes(client_for, facilitator, published):
    client = client_for(facilitator)
    propose(client, published, summary="", themes=[])
    response = client.get(reverse("learning:revision_detail", args=[published.slug]))
    text = visible_text(response.content)
    assert "Before the revision can be published, add what is missing" in text
    assert "Summary: Write a summary." in text and "Themes: Choose at least one theme." in text
    response = client.post(
        reverse("learning:revision_publish", args=[published.slug]), {"publish-anonymity_confirmed": "on"}
    )
    assert response.status_code == 400 and "<title>Error: Proposed revision" in response.content.decode()
    published.refresh_from_db()
    assert published.summary == PUBLISHED_SUMMARY and published.version == 1


@pytest.mark.django_db
def test_withdrawing_keeps_the_published_text_and_the_next_edit_starts_afresh(client_for, lead_a, published):
    lead = client_for(lead_a)
    propose(lead, published, summary=PROPOSED_SUMMARY)
    response = lead.post(reverse("learning:revision_withdraw", args=[published.slug]), follow=True)
    assert "has been withdrawn" in response.content.decode()
    assert ExampleRevision.objects.get().state == RevisionState.WITHDRAWN
    published.refresh_from_db()
    assert published.summary == PUBLISHED_SUMMARY
    form = lead.get(reverse("learning:example_edit", args=[published.slug])).content.decode()
    assert PROPOSED_SUMMARY not in form and 'name="version" value="0"' in form


@pytest.mark.django_db
def test_two_editors_of_one_revision_do_not_overwrite_each_other(client_for, lead_a, facilitator, published):
    # Both open the form before any revision exists.
    first = example_form_data(published, version=0, summary="The facilitator's tightened summary.")
    second = example_form_data(published, version=0, summary="The lead's own longer summary.")
    edit_url = reverse("learning:example_edit", args=[published.slug])
    assert client_for(facilitator).post(edit_url, first).status_code == 302
    response = client_for(lead_a).post(edit_url, second)
    assert response.status_code == 409
    assert "The lead&#x27;s own longer summary." in response.content.decode()
    assert "Someone else changed the proposed revision" in response.content.decode()
    assert open_revision_of(published).content["summary"] == "The facilitator's tightened summary."


@pytest.mark.django_db
def test_the_database_allows_one_open_revision_per_example(published):
    save_revision(published, snapshot(published), None, expected_version=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExampleRevision.objects.create(example=published, content={}, based_on=1)
    # A closed revision does not count.
    ExampleRevision.objects.update(state=RevisionState.PUBLISHED)
    ExampleRevision.objects.create(example=published, content={}, based_on=1)


@pytest.mark.django_db
def test_a_revision_change_counts_as_activity_on_the_list(client_for, lead_a, published, partnership_a):
    other = make_example(partnership_a, State.DRAFT, title="A draft changed later")
    LearningExample.objects.filter(pk=published.pk).update(last_activity=timezone.now() - timezone.timedelta(days=9))
    lead = client_for(lead_a)
    rows = parse_tables(lead.get("/contribute/").content.decode())[0]["tbody"]
    assert rows[0][0]["text"].startswith(other.title)
    propose(lead, published, summary=PROPOSED_SUMMARY)
    rows = parse_tables(lead.get("/contribute/").content.decode())[0]["tbody"]
    assert rows[0][0]["text"].startswith(published.title)


# Restore ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_restoring_a_published_example_asks_then_proposes_a_revision(client_for, facilitator, lead_a, published):
    # A reviewer asked for a section; the facilitator's revision adding it was published as version 2.
    client = client_for(facilitator)
    propose(client, published, impact_and_evidence="An audit of 40 cases found quicker decisions.")
    client.post(reverse("learning:revision_publish", args=[published.slug]), {"publish-anonymity_confirmed": "on"})
    published.refresh_from_db()
    assert published.version == 2

    restore_url = reverse("learning:example_restore", args=[published.slug, 1])
    page = client.get(restore_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Restore version 1 of" in html and "becomes a proposed revision" in html
    removed = re.findall(r"\[removed: </span>([^<]*)<", html)
    assert "Impact and evidence" in visible_text(html) and any("audit" in words for words in removed)

    response = client.post(restore_url)
    revision = open_revision_of(published)
    assert response.status_code == 302 and response["Location"] == revision.get_absolute_url()
    assert revision.note == "Restored from version 1" and revision.created_by == facilitator
    review = client.get(reverse("learning:example_review", args=[published.slug])).content.decode()
    assert "Review the proposed revision" in review and revision.get_absolute_url() in review
    published.refresh_from_db()
    assert published.version == 2 and published.impact_and_evidence.startswith("An audit of 40 cases")
    assert "An audit of 40 cases" in client_for(None).get(published.get_absolute_url()).content.decode()

    # With a revision already open, restoring another version is refused and changes nothing.
    client = client_for(facilitator)
    response = client.post(reverse("learning:example_restore", args=[published.slug, 2]))
    assert response.status_code == 409 and "already has a proposed revision (draft)" in visible_text(response.content)
    assert open_revision_of(published).note == "Restored from version 1"


@pytest.mark.django_db
def test_restoring_a_draft_asks_first_then_changes_it(client_for, facilitator, lead_a, partnership_a):
    example = make_example(partnership_a, State.DRAFT, summary="The original summary.")
    client_for(lead_a).post(
        reverse("learning:example_edit", args=[example.slug]), example_form_data(example, summary="A rewrite.")
    )
    client = client_for(facilitator)
    url = reverse("learning:example_restore", args=[example.slug, 1])
    html = client.get(url).content.decode()
    assert "[removed: </span>A" in html and "[added: </span>The" in html
    example.refresh_from_db()
    assert example.summary == "A rewrite."
    client.post(url)
    example.refresh_from_db()
    assert example.summary == "The original summary." and example.version == 3


# Who may do what ----------------------------------------------------------------------------------------------

ROLES = ["facilitator", "lead_a", "lead_b", "no_role", "anonymous"]
# (label, method, url name, revision state, POST data, expected per role in ROLES order)
CASES = [
    ("revision page", "get", "learning:revision_detail", RevisionState.DRAFT, {}, [200, 200, 404, 404, LOGIN]),
    ("submit (form)", "get", "learning:revision_submit", RevisionState.DRAFT, {}, [200, 200, 404, 404, LOGIN]),
    (
        "submit",
        "post",
        "learning:revision_submit",
        RevisionState.DRAFT,
        {"anonymity_confirmed": "on"},
        [302, 302, 404, 404, LOGIN],
    ),
    (
        "publish",
        "post",
        "learning:revision_publish",
        RevisionState.SUBMITTED,
        {"publish-anonymity_confirmed": "on"},
        [302, 403, 404, 404, LOGIN],
    ),
    (
        "return",
        "post",
        "learning:revision_return",
        RevisionState.SUBMITTED,
        {"return-feedback": "Say more."},
        [302, 403, 404, 404, LOGIN],
    ),
    ("withdraw", "post", "learning:revision_withdraw", RevisionState.DRAFT, {}, [302, 302, 404, 404, LOGIN]),
    ("no revision", "get", "learning:revision_detail", None, {}, [404, 404, 404, 404, LOGIN]),
    ("propose (form)", "get", "learning:example_edit", None, {}, [200, 200, 403, 403, LOGIN]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role_index", "role"), list(enumerate(ROLES)))
@pytest.mark.parametrize(("label", "method", "name", "state", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_roles_by_revision_views(
    request, client_for, published, role_index, role, label, method, name, state, data, expected
):
    if state is not None:
        revision = save_revision(published, snapshot(published), None, expected_version=0)
        ExampleRevision.objects.filter(pk=revision.pk).update(state=state)
    if role == "no_role":
        user = get_user_model().objects.create_user("no-role", "no-role@example.org", "a-long-test-password-1")
    else:
        user = None if role == "anonymous" else request.getfixturevalue(role)
    response = getattr(client_for(user), method)(reverse(name, args=[published.slug]), data)
    outcome = expected[role_index]
    if outcome == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next=")
    else:
        assert response.status_code == outcome, f"{label} as {role}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["revision_publish", "revision_return", "revision_withdraw"])
def test_revision_decisions_are_post_only(client_for, facilitator, published, name):
    save_revision(published, snapshot(published), None, expected_version=0)
    assert client_for(facilitator).get(reverse(f"learning:{name}", args=[published.slug])).status_code == 405


@pytest.mark.django_db
def test_review_queue_query_count_is_fixed_with_revisions(
    client_for, facilitator, lead_a, partnership_a, django_assert_num_queries
):
    client = client_for(facilitator)
    for total in (3, 30):
        for n in range(ExampleRevision.objects.count(), total):
            example = make_example(partnership_a, State.PUBLISHED, title=f"Published {n}")
            revision = save_revision(example, snapshot(example), lead_a, expected_version=0)
            ExampleRevision.objects.filter(pk=revision.pk).update(
                state=RevisionState.SUBMITTED, submitted_at=timezone.now()
            )
        # 1 the session, 2 the user, 3 the user's groups (is_facilitator), 4 count of submitted examples (none),
        # 5 count of submitted revisions, 6 the page of revisions with their examples, partnerships and authors,
        # 7 the questions waiting, for the facilitator's navigation.
        with django_assert_num_queries(7):
            response = client.get(reverse("learning:review_queue"))
        assert len(parse_tables(response.content.decode())[1]["tbody"]) == min(total, 20)


@pytest.mark.django_db
def test_my_examples_query_count_is_fixed_with_revisions(client_for, lead_a, partnership_a, django_assert_num_queries):
    client = client_for(lead_a)
    for total in (3, 30):
        for n in range(LearningExample.objects.count(), total):
            example = make_example(partnership_a, State.PUBLISHED, title=f"Published {n}")
            save_revision(example, snapshot(example), lead_a, expected_version=0)
        # 1 the session, 2 the user, 3 the user's groups (is_facilitator), 4 the led partnerships (cached), 5 count
        # for the paginator, 6 the page of examples with partnerships, latest feedback and the open revision's
        # state (subqueries), 7 the led partnerships' names.
        with django_assert_num_queries(7):
            response = client.get(reverse("learning:my_examples"))
        rows = parse_tables(response.content.decode())[0]["tbody"]
        assert len(rows) == min(total, 20) and all("Revision: draft" in row[2]["text"] for row in rows)


@pytest.mark.django_db
def test_the_review_page_warns_when_the_published_text_moved_on(client_for, facilitator, lead_a, published):
    propose(client_for(lead_a), published, summary=PROPOSED_SUMMARY)
    client = client_for(facilitator)
    url = reverse("learning:revision_detail", args=[published.slug])
    assert "The published text has changed since" not in visible_text(client.get(url).content)
    # A correction straight to the example (as the admin makes) after the revision was started.
    apply_content(published, {**snapshot(published), "title": "Corrected title"}, facilitator, note="In the admin")
    text = visible_text(client.get(url).content)
    assert "The published text has changed since this revision was started (from version 1 to version 2)" in text
    assert "[removed: Corrected" in text, "the differences are against the text as it is now"


@pytest.mark.django_db
def test_an_unpublished_example_is_edited_itself_and_its_old_revision_only_withdrawn(
    client_for, lead_a, facilitator, published
):
    propose(client_for(lead_a), published, summary=PROPOSED_SUMMARY)
    client_for(facilitator).post(reverse("learning:example_unpublish", args=[published.slug]))
    lead = client_for(lead_a)
    page = visible_text(lead.get(reverse("learning:revision_detail", args=[published.slug])).content)
    assert "Withdraw the revision" in page and "Edit the revision" not in page and "Submit the revision" not in page
    response = lead.post(reverse("learning:revision_submit", args=[published.slug]), {"anonymity_confirmed": "on"})
    assert response.status_code == 302 and open_revision_of(published).state == RevisionState.DRAFT
    # Editing now changes the (unpublished) example itself.
    published.refresh_from_db()
    lead.post(reverse("learning:example_edit", args=[published.slug]), example_form_data(published, title="Renamed"))
    published.refresh_from_db()
    assert published.title == "Renamed" and published.version == 2
