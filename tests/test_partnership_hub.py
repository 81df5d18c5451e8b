"""A partnership's page is its hub: its published examples, approaches, arrangements and contact for everyone;
its drafts and a "Write an example" action for its own leads and NCB's facilitators only."""

import pytest
from django.urls import reverse

from learning.models import LearningExample, State
from learning.templatetags.partnership_learning import HUB_PUBLISHED_EXAMPLES
from partnerships.models import ApproachStage, Partnership, SiteApproach
from tests.html import visible_text
from tests.learning_data import make_example

HUB_A = reverse("partnerships:partnership_detail", args=["devon-plymouth-torbay"])
CONTACT_A = reverse("partnerships:partnership_contact_edit", args=["devon-plymouth-torbay"])
WRITE_A = f"{reverse('learning:example_create')}?partnership=devon-plymouth-torbay"


@pytest.fixture
def examples_a(partnership_a):
    """Two published examples of Devon's (as on the live site), and one of each unfinished state."""
    older = make_example(partnership_a, State.PUBLISHED, title="Older published practice")
    LearningExample.objects.filter(pk=older.pk).update(published_at=older.published_at.replace(year=2020))
    newer = make_example(partnership_a, State.PUBLISHED, title="Newer published practice")
    unfinished = {
        state: make_example(partnership_a, state, title=f"Devon's {state} example")
        for state in (State.DRAFT, State.SUBMITTED, State.RETURNED, State.UNPUBLISHED)
    }
    return {"older": older, "newer": newer, **unfinished}


def hub_text(client):
    response = client.get(HUB_A)
    assert response.status_code == 200
    return response.content.decode(), visible_text(response.content)


@pytest.mark.django_db
def test_everyone_sees_the_published_examples_newest_first(client_for, examples_a, lead_b):
    for user in (None, lead_b):
        html, text = hub_text(client_for(user))
        assert text.index("Newer published practice") < text.index("Older published practice")
        assert f'href="{examples_a["newer"].get_absolute_url()}"' in html
        assert 'href="/learning/?partnership=devon-plymouth-torbay"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["visitor", "other lead"])
def test_visitors_and_other_leads_never_see_drafts_or_the_write_action(client_for, examples_a, lead_b, who):
    html, text = hub_text(client_for(lead_b if who == "other lead" else None))
    for state in (State.DRAFT, State.SUBMITTED, State.RETURNED, State.UNPUBLISHED):
        assert f"Devon's {state} example" not in html
    assert "Drafts and examples in review" not in text
    assert "Write an example" not in text
    assert CONTACT_A not in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["lead", "facilitator"])
def test_its_leads_and_facilitators_see_its_unfinished_work_and_can_write(
    client_for, examples_a, lead_a, facilitator, who
):
    html, text = hub_text(client_for(lead_a if who == "lead" else facilitator))
    assert "Drafts and examples in review" in text
    for state, label in [
        (State.DRAFT, "Draft"),
        (State.SUBMITTED, "Submitted for review"),
        (State.RETURNED, "Returned with feedback"),
        (State.UNPUBLISHED, "Unpublished"),
    ]:
        assert f"Devon's {state} example {label}" in text
    # Published examples appear once, in the published list, not among the unfinished ones.
    assert text.count("Newer published practice") == 1
    assert f'href="{WRITE_A}"' in html
    assert f'href="{CONTACT_A}"' in html


@pytest.mark.django_db
def test_a_partnership_with_no_examples_says_so(client_for, lead_a):
    _, text = hub_text(client_for(lead_a))
    assert "No learning examples from this partnership have been published yet." in text
    assert "This partnership has no drafts or examples in review." in text


@pytest.mark.django_db
def test_the_hub_shows_the_newest_examples_and_links_to_all_of_them(client, partnership_a, partnership_b):
    for number in range(HUB_PUBLISHED_EXAMPLES + 2):
        make_example(partnership_a, State.PUBLISHED, title=f"Devon practice number {number:02}")
    make_example(partnership_b, State.PUBLISHED, title="North Lincolnshire practice")
    _, text = hub_text(client)
    assert text.count("Devon practice number") == HUB_PUBLISHED_EXAMPLES
    assert "See all learning examples from Devon, Plymouth, Torbay" in text
    # The link opens /learning/ filtered to the partnership: all twelve, and no one else's.
    listing = visible_text(client.get("/learning/?partnership=devon-plymouth-torbay").content)
    assert all(f"Devon practice number {number:02}" in listing for number in range(HUB_PUBLISHED_EXAMPLES + 2))
    assert "North Lincolnshire practice" not in listing


@pytest.mark.django_db
def test_approaches_show_a_stage_only_where_one_is_recorded(client, partnership_a):
    approach = SiteApproach.objects.filter(partnership=partnership_a).select_related("theme").first()
    _, text = hub_text(client)
    assert "Stage:" not in text
    approach.stage = ApproachStage.TESTING
    approach.save()
    _, text = hub_text(client)
    assert text.count("Stage:") == 1 and "Stage: Testing" in text


@pytest.mark.django_db
def test_hub_query_count_does_not_grow_with_examples(client_for, lead_a, partnership_a, django_assert_num_queries):
    client = client_for(lead_a)

    def add(count, state):
        for number in range(count):
            make_example(partnership_a, state, title=f"{state} {LearningExample.objects.count()} {number}")

    for published, unfinished in ((1, 1), (HUB_PUBLISHED_EXAMPLES + 5, 20)):
        add(published - LearningExample.objects.filter(state=State.PUBLISHED).count(), State.PUBLISHED)
        add(unfinished - LearningExample.objects.filter(state=State.DRAFT).count(), State.DRAFT)
        # 1 session, 2 user, 3 the user's groups (is_facilitator), 4 the user's led partnerships, 5 the partnership,
        # 6 its authorities, 7 its arrangements, 8 its approaches with their themes; learning's tag: 9 the
        # published examples, 10 their themes, 11 the unfinished examples.
        with django_assert_num_queries(11):
            response = client.get(HUB_A)
        assert response.status_code == 200


# The contact ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_contact_is_said_in_the_portals_words_not_invented(client, partnership_a):
    _, text = hub_text(client)
    assert "No contact has been given for this partnership yet." in text


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["lead", "facilitator"])
def test_its_leads_and_facilitators_edit_the_contact(client_for, lead_a, facilitator, partnership_a, who):
    client = client_for(lead_a if who == "lead" else facilitator)
    assert client.get(CONTACT_A).status_code == 200
    data = {"contact_name": "Jo Bloggs", "contact_role": "Partnership manager", "contact_email": "jo@example.org"}
    response = client.post(CONTACT_A, data, follow=True)
    assert response.redirect_chain[-1][0] == HUB_A
    text = visible_text(response.content)
    assert "The contact for Devon, Plymouth, Torbay is saved: Jo Bloggs." in text
    assert "Jo Bloggs, Partnership manager" in text and "jo@example.org" in text
    assert 'href="mailto:jo@example.org"' in response.content.decode()
    # Also for visitors.
    assert "Jo Bloggs" in hub_text(client_for(None))[1]


@pytest.mark.django_db
def test_other_leads_and_visitors_cannot_edit_the_contact(client_for, lead_b, partnership_a):
    data = {"contact_name": "Someone Else", "contact_role": "", "contact_email": ""}
    assert client_for(lead_b).get(CONTACT_A).status_code == 403
    assert client_for(lead_b).post(CONTACT_A, data).status_code == 403
    response = client_for(None).post(CONTACT_A, data)
    assert response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next=")
    assert Partnership.objects.get(pk=partnership_a.pk).contact_name == ""


@pytest.mark.django_db
def test_a_wrong_contact_is_explained_and_keeps_the_text(client_for, lead_a, partnership_a):
    data = {"contact_name": "", "contact_role": "Typed role", "contact_email": "not-an-address"}
    response = client_for(lead_a).post(CONTACT_A, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There are problems with what you entered" in html
    assert "Give the contact&#x27;s name, or leave the role and email empty too." in html
    assert "Enter a valid email address" in html
    assert 'value="Typed role"' in html and 'value="not-an-address"' in html
    assert "<title>Error: Contact for" in html
    assert Partnership.objects.get(pk=partnership_a.pk).contact_role == ""


@pytest.mark.django_db
def test_clearing_the_contact_says_so(client_for, lead_a, partnership_a):
    Partnership.objects.filter(pk=partnership_a.pk).update(contact_name="Jo Bloggs", contact_email="jo@example.org")
    data = {"contact_name": "", "contact_role": "", "contact_email": ""}
    text = visible_text(client_for(lead_a).post(CONTACT_A, data, follow=True).content)
    assert "is cleared" in text and "No contact has been given for this partnership yet." in text


# Writing an example from the hub ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_write_an_example_opens_the_form_with_the_partnership_chosen(client_for, facilitator, partnership_a):
    html = client_for(facilitator).get(WRITE_A).content.decode()
    assert f'<option value="{partnership_a.pk}" selected>' in html
    # Without it (or with an unknown partnership) nothing is chosen for a facilitator.
    for url in (reverse("learning:example_create"), f"{reverse('learning:example_create')}?partnership=nowhere"):
        assert f'<option value="{partnership_a.pk}" selected>' not in client_for(facilitator).get(url).content.decode()


@pytest.mark.django_db
def test_another_partnerships_slug_gives_a_lead_no_way_to_write_for_it(client_for, lead_b, partnership_a):
    url = f"{reverse('learning:example_create')}?partnership={partnership_a.slug}"
    html = client_for(lead_b).get(url).content.decode()
    assert f'<option value="{partnership_a.pk}"' not in html


@pytest.mark.django_db
def test_the_contact_is_shown_as_text_not_markup(client_for, lead_a, partnership_a):
    data = {"contact_name": "<script>alert(1)</script>", "contact_role": "<b>Boss</b>", "contact_email": ""}
    html = client_for(lead_a).post(CONTACT_A, data, follow=True).content.decode()
    assert "<script>alert(1)</script>" not in html and "<b>Boss</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;, &lt;b&gt;Boss&lt;/b&gt;" in html
