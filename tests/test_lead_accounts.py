"""Facilitators give partnership leads their accounts; nobody else can, and nobody registers themselves."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from partnerships.models import Membership, MembershipRole
from tests.conftest import PASSWORD, make_user

LIST_URL = reverse("partnerships:lead_list")
CREATE_URL = reverse("partnerships:lead_create")


def lead_data(partnership, **changes):
    return {
        "first_name": "Robin",
        "last_name": "Lead",
        "email": "Robin.Lead@Example.org",
        "partnership": partnership.pk,
        **changes,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LIST_URL, CREATE_URL])
def test_only_facilitators_manage_leads(client_for, facilitator, lead_a, lead_b, url):
    assert client_for(facilitator).get(url).status_code == 200
    assert client_for(lead_a).get(url).status_code == 403
    assert client_for(lead_b).get(url).status_code == 403
    response = client_for(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_lead_cannot_create_accounts_by_posting(client_for, lead_a, partnership_b):
    response = client_for(lead_a).post(CREATE_URL, lead_data(partnership_b))
    assert response.status_code == 403
    assert not get_user_model().objects.filter(email__iexact="robin.lead@example.org").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_facilitator_adds_a_lead_who_chooses_a_password_and_logs_in(client_for, facilitator, partnership_b):
    response = client_for(facilitator).post(CREATE_URL, lead_data(partnership_b), follow=True)
    assert "is now a lead of North Lincolnshire" in response.content.decode()
    user = get_user_model().objects.get(email="robin.lead@example.org")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, partnership=partnership_b, role=MembershipRole.LEAD).exists()

    (email,) = mail.outbox
    assert email.to == ["robin.lead@example.org"]
    assert "North Lincolnshire" in email.subject
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", email.body).group(1)

    client = client_for(None)
    set_password_page = client.get(link, follow=True)
    assert set_password_page.status_code == 200
    form_url = set_password_page.redirect_chain[-1][0] if set_password_page.redirect_chain else link
    client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    # Through the log-in page: django-axes, which counts failures, needs the request (client.login has none).
    response = client.post(reverse("login"), {"username": "robin.lead@example.org", "password": PASSWORD})
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(user.pk)
    # The link works once.
    assert "This link has expired or been used" in client_for(None).get(link, follow=True).content.decode()


@pytest.mark.django_db
def test_an_existing_account_becomes_a_lead_without_a_second_account(client_for, facilitator, partnership_b):
    existing = make_user("robin.lead")
    response = client_for(facilitator).post(CREATE_URL, lead_data(partnership_b), follow=True)
    assert "already had an account" in response.content.decode()
    assert get_user_model().objects.filter(email__iexact="robin.lead@example.org").count() == 1
    assert Membership.objects.filter(user=existing, partnership=partnership_b).exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_adding_the_same_lead_twice_explains_and_keeps_the_form(client_for, facilitator, lead_a, partnership_a):
    data = lead_data(partnership_a, email="LEAD-A@example.org", first_name="Typed name")
    response = client_for(facilitator).post(CREATE_URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "is already a lead of Devon, Plymouth, Torbay" in html
    assert 'value="Typed name"' in html
    assert "There is a problem" in html


@pytest.mark.django_db
def test_missing_fields_are_explained(client_for, facilitator, partnership_a):
    response = client_for(facilitator).post(CREATE_URL, lead_data(partnership_a, email="not-an-email"))
    assert "Enter a valid email address" in response.content.decode()
    assert 'value="Robin"' in response.content.decode()


@pytest.mark.django_db
def test_lead_list_query_count_is_fixed(client_for, facilitator, partnership_a, django_assert_num_queries):
    client = client_for(facilitator)

    def add_leads(count):
        for number in range(count):
            user = make_user(f"extra-lead-{Membership.objects.count()}-{number}")
            Membership.objects.create(user=user, partnership=partnership_a, role=MembershipRole.LEAD)

    for total in (3, 60):
        add_leads(total - Membership.objects.count())
        # 1 session, 2 user, 3 the user's groups (is_facilitator), 4 count for the paginator, 5 the page of
        # memberships with their users and partnerships, 6 the questions waiting, for the navigation.
        with django_assert_num_queries(6):
            response = client.get(LIST_URL)
        assert response.status_code == 200
