"""Facilitators look after lead accounts in the portal: invite again, deactivate and reactivate, move a lead, give
them a second partnership or take one away. Only facilitators, each by POST, each confirmed."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from learning.models import LearningExample, State
from partnerships.models import Membership, MembershipRole, Partnership
from partnerships.roles import facilitators_group
from tests.conftest import PASSWORD, make_user
from tests.html import visible_text
from tests.learning_data import example_form_data, make_example


def url(name, user, *args):
    return reverse(f"partnerships:{name}", args=[user.pk, *args])


@pytest.fixture
def invited(partnership_a):
    """A lead who was invited and never chose a password."""
    user = get_user_model().objects.create_user(
        username="robin@example.org", email="robin@example.org", first_name="Robin", last_name="Lead"
    )
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, partnership=partnership_a, role=MembershipRole.LEAD)
    return user


def leads_of(partnership):
    return set(Membership.objects.filter(partnership=partnership).values_list("user__username", flat=True))


def link_in(message):
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", message.body).group(1)


# Who may ----------------------------------------------------------------------------------------------------


def actions(lead_a, partnership_a, partnership_b):
    """Every action on lead_a's account, with what a valid POST sends."""
    return [
        ("lead_detail", (), {}),
        ("lead_resend_invitation", (), {}),
        ("lead_deactivate", (), {}),
        ("lead_reactivate", (), {}),
        ("lead_move", (), {"move-from_partnership": partnership_a.pk, "move-to_partnership": partnership_b.pk}),
        ("lead_add_partnership", (), {"add-partnership": partnership_b.pk}),
        ("lead_remove_partnership", (partnership_a.slug,), {}),
    ]


@pytest.mark.django_db
def test_leads_are_refused_and_visitors_asked_to_log_in(client_for, lead_a, lead_b, partnership_a, partnership_b):
    for name, args, data in actions(lead_a, partnership_a, partnership_b):
        target = url(name, lead_a, *args)
        # The lead themself, and another partnership's lead.
        for user in (lead_a, lead_b):
            assert client_for(user).post(target, data).status_code == 403, name
        response = client_for(None).post(target, data)
        assert response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next="), name
    # Nothing changed.
    lead_a.refresh_from_db()
    assert lead_a.is_active and leads_of(partnership_a) == {"lead-a"} and leads_of(partnership_b) == {"lead-b"}
    assert mail.outbox == []


@pytest.mark.django_db
def test_changes_are_posts_only(client_for, facilitator, lead_a, partnership_a, partnership_b):
    client = client_for(facilitator)
    for name, args, _ in actions(lead_a, partnership_a, partnership_b):
        if name not in ("lead_detail", "lead_deactivate"):  # those two have a page: the lead's, and the confirmation
            assert client.get(url(name, lead_a, *args)).status_code == 405, name


@pytest.mark.django_db
def test_only_lead_accounts_have_a_lead_page(client_for, facilitator, programme):
    reader = make_user("reader")
    client = client_for(facilitator)
    assert client.get(url("lead_detail", reader)).status_code == 404
    assert client.post(url("lead_deactivate", reader)).status_code == 404
    assert client.post(url("lead_deactivate", facilitator)).status_code == 404


@pytest.mark.django_db
def test_the_list_links_each_lead_to_their_page_and_shows_deactivated_accounts(client_for, facilitator, lead_a):
    get_user_model().objects.filter(pk=lead_a.pk).update(is_active=False)
    response = client_for(facilitator).get(reverse("partnerships:lead_list"))
    html = response.content.decode()
    assert f'href="{url("lead_detail", lead_a)}"' in html
    assert "lead-a@example.org Deactivated" in visible_text(response.content)


@pytest.mark.django_db
def test_lead_page_query_count_does_not_grow(client_for, facilitator, lead_a, django_assert_num_queries):
    client = client_for(facilitator)
    for extra in (0, 5):
        for partnership in Partnership.objects.exclude(memberships__user=lead_a)[:extra]:
            Membership.objects.create(user=lead_a, partnership=partnership, role=MembershipRole.LEAD)
        # 1 session, 2 user, 3 the facilitator's groups, 4 the lead, 5 their memberships with partnerships, 6 the
        # lead's groups (may they be deactivated here?), 7 and 8 the move form's "from" choices (the select reads
        # them twice: once to decide on its `required` attribute), 9 its "to" choices, 10 the add form's choices,
        # 11 the questions waiting, for the facilitator's navigation.
        with django_assert_num_queries(11):
            assert client.get(url("lead_detail", lead_a)).status_code == 200


# Invitations ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_resending_an_invitation_sends_a_fresh_link_and_the_old_one_stops_working(client_for, facilitator, invited):
    client = client_for(facilitator)
    client.post(url("lead_resend_invitation", invited))
    client.post(url("lead_resend_invitation", invited))
    first, second = mail.outbox
    assert first.to == second.to == ["robin@example.org"]
    assert "Devon, Plymouth, Torbay" in second.subject
    assert link_in(first) != link_in(second)

    visitor = client_for(None)
    assert "This link has expired or been used" in visitor.get(link_in(first), follow=True).content.decode()
    page = visitor.get(link_in(second), follow=True)
    visitor.post(page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    invited.refresh_from_db()
    assert invited.has_usable_password()


@pytest.mark.django_db
def test_the_invitation_of_a_lead_of_two_partnerships_names_both(client_for, facilitator, invited, partnership_b):
    Membership.objects.create(user=invited, partnership=partnership_b, role=MembershipRole.LEAD)
    client_for(facilitator).post(url("lead_resend_invitation", invited))
    (message,) = mail.outbox
    assert message.subject == "Your EA Portal account for Devon, Plymouth, Torbay and North Lincolnshire"
    assert "as a lead of Devon, Plymouth, Torbay and North Lincolnshire" in message.body


@pytest.mark.django_db
def test_resending_confirms_what_was_sent(client_for, facilitator, invited):
    response = client_for(facilitator).post(url("lead_resend_invitation", invited), follow=True)
    text = visible_text(response.content)
    assert response.redirect_chain[-1][0] == url("lead_detail", invited)
    assert (
        "We have emailed Robin Lead (robin@example.org) a new invitation. Earlier invitation links no longer work."
        in text
    )


@pytest.mark.django_db
def test_no_invitation_for_a_lead_who_has_a_password_or_is_deactivated(client_for, facilitator, lead_a, invited):
    client = client_for(facilitator)
    text = visible_text(client.post(url("lead_resend_invitation", lead_a), follow=True).content)
    assert "has already chosen a password, so no invitation was sent" in text
    lead_a.refresh_from_db()
    assert lead_a.check_password(PASSWORD)  # their password still works
    get_user_model().objects.filter(pk=invited.pk).update(is_active=False)
    text = visible_text(client.post(url("lead_resend_invitation", invited), follow=True).content)
    assert "is deactivated: reactivate the account before inviting them" in text
    assert mail.outbox == []


# Deactivating -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_deactivating_asks_first_then_the_lead_cannot_log_in(client_for, facilitator, lead_a):
    lead_client = client_for(lead_a)
    facilitator_client = Client()
    facilitator_client.force_login(facilitator)
    confirmation = facilitator_client.get(url("lead_deactivate", lead_a))
    assert "Deactivate Alex" in visible_text(confirmation.content)
    lead_a.refresh_from_db()
    assert lead_a.is_active  # asking changes nothing

    response = facilitator_client.post(url("lead_deactivate", lead_a), follow=True)
    text = visible_text(response.content)
    assert "is deactivated and can no longer log in" in text and "Account Deactivated : cannot log in" in text
    lead_a.refresh_from_db()
    assert not lead_a.is_active
    # Their open session ends at the next page, and logging in again fails.
    response = lead_client.get(reverse("learning:my_examples"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    fresh = Client()
    fresh.post(reverse("login"), {"username": "lead-a", "password": PASSWORD})
    assert "_auth_user_id" not in fresh.session


@pytest.mark.django_db
def test_reactivating_lets_them_log_in_again(client_for, facilitator, lead_a):
    get_user_model().objects.filter(pk=lead_a.pk).update(is_active=False)
    response = client_for(facilitator).post(url("lead_reactivate", lead_a), follow=True)
    assert "is active again and can log in with their password" in visible_text(response.content)
    client = client_for(None)
    client.post(reverse("login"), {"username": "lead-a", "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(lead_a.pk)


@pytest.mark.django_db
def test_a_lead_who_is_also_a_facilitator_is_left_to_an_administrator(client_for, facilitator, lead_a):
    lead_a.groups.add(facilitators_group())
    client = client_for(facilitator)
    assert "only an administrator can deactivate it" in visible_text(client.get(url("lead_detail", lead_a)).content)
    text = visible_text(client.post(url("lead_deactivate", lead_a), follow=True).content)
    assert "ask an administrator" in text
    lead_a.refresh_from_db()
    assert lead_a.is_active


# Partnerships -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_moving_a_lead_changes_which_drafts_they_see(client_for, facilitator, lead_a, partnership_a, partnership_b):
    draft_a = make_example(partnership_a, State.DRAFT, title="Devon's draft")
    draft_b = make_example(partnership_b, State.DRAFT, title="North Lincolnshire's draft")
    data = {"move-from_partnership": partnership_a.pk, "move-to_partnership": partnership_b.pk}
    response = client_for(facilitator).post(url("lead_move", lead_a), data, follow=True)
    text = visible_text(response.content)
    assert "is now a lead of North Lincolnshire instead of Devon, Plymouth, Torbay" in text
    assert "Devon, Plymouth, Torbay's examples stay with Devon, Plymouth, Torbay" in text
    assert leads_of(partnership_a) == set() and leads_of(partnership_b) == {"lead-a"}
    lead = client_for(lead_a)
    assert lead.get(draft_a.get_absolute_url()).status_code == 404
    assert lead.get(draft_b.get_absolute_url()).status_code == 200
    assert LearningExample.objects.get(pk=draft_a.pk).partnership == partnership_a


@pytest.mark.django_db
def test_moving_to_a_partnership_they_lead_already_is_explained(client_for, facilitator, lead_a, partnership_a):
    data = {"move-from_partnership": partnership_a.pk, "move-to_partnership": partnership_a.pk}
    response = client_for(facilitator).post(url("lead_move", lead_a), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem with what you entered" in html and "Move to: Select a valid choice" in html
    assert leads_of(partnership_a) == {"lead-a"}


@pytest.mark.django_db
def test_a_lead_of_two_partnerships_chooses_which_one_an_example_is_for(
    client_for, facilitator, lead_a, partnership_a, partnership_b
):
    response = client_for(facilitator).post(
        url("lead_add_partnership", lead_a), {"add-partnership": partnership_b.pk}, follow=True
    )
    assert "is now also a lead of North Lincolnshire" in visible_text(response.content)
    assert leads_of(partnership_a) == {"lead-a"} and leads_of(partnership_b) == {"lead-a"}

    lead = client_for(lead_a)
    form = lead.get(reverse("learning:example_create")).content.decode()
    assert f'<option value="{partnership_a.pk}"' in form and f'<option value="{partnership_b.pk}"' in form
    data = example_form_data(title="Written for the second partnership", partnership=partnership_b.pk)
    lead.post(reverse("learning:example_create"), data)
    assert LearningExample.objects.get(title="Written for the second partnership").partnership == partnership_b
    # Still not for a partnership they do not lead.
    other = Partnership.objects.exclude(pk__in=[partnership_a.pk, partnership_b.pk]).first()
    response = lead.post(reverse("learning:example_create"), example_form_data(title="Elsewhere", partnership=other.pk))
    assert response.status_code == 200 and not LearningExample.objects.filter(title="Elsewhere").exists()


@pytest.mark.django_db
def test_removing_one_of_two_partnerships(client_for, facilitator, lead_a, partnership_a, partnership_b):
    Membership.objects.create(user=lead_a, partnership=partnership_b, role=MembershipRole.LEAD)
    response = client_for(facilitator).post(url("lead_remove_partnership", lead_a, partnership_a.slug), follow=True)
    assert "is no longer a lead of Devon, Plymouth, Torbay" in visible_text(response.content)
    assert leads_of(partnership_a) == set()


@pytest.mark.django_db
def test_a_lead_keeps_their_only_partnership_and_is_told_why(client_for, facilitator, lead_a, partnership_a):
    response = client_for(facilitator).post(url("lead_remove_partnership", lead_a, partnership_a.slug), follow=True)
    text = visible_text(response.content)
    assert "is the only partnership" in text and "Move them to another partnership instead" in text
    assert leads_of(partnership_a) == {"lead-a"}
