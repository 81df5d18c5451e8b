"""After logging in without a `next`, each person lands where their work is; a `next` still wins, if it is safe."""

import pytest
from django.urls import reverse

from partnerships.models import Membership, MembershipRole
from tests.conftest import PASSWORD, make_user

LOGIN = reverse("login")


def log_in(client, user, **extra):
    # Through the log-in page: django-axes, which counts failures, needs the request (client.login has none).
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD, **extra}, follow=True)


@pytest.mark.django_db
def test_the_lead_of_one_partnership_lands_on_its_page(client, lead_a, partnership_a):
    response = log_in(client, lead_a)
    assert response.redirect_chain[-1][0] == partnership_a.get_absolute_url()
    assert "Drafts and examples in review" in response.content.decode()


@pytest.mark.django_db
def test_the_lead_of_several_partnerships_lands_on_their_contributions(client, lead_a, partnership_b):
    Membership.objects.create(user=lead_a, partnership=partnership_b, role=MembershipRole.LEAD)
    response = log_in(client, lead_a)
    assert response.redirect_chain[-1][0] == reverse("learning:my_examples")
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_facilitator_lands_on_the_dashboard(client, facilitator):
    response = log_in(client, facilitator)
    assert response.redirect_chain[-1][0] == reverse("dashboard:dashboard")
    assert response.status_code == 200


@pytest.mark.django_db
def test_anyone_else_lands_on_the_home_page(client, programme):
    response = log_in(client, make_user("reader"))
    assert response.redirect_chain[-1][0] == reverse("home")


@pytest.mark.django_db
def test_next_still_wins(client, lead_a):
    response = log_in(client, lead_a, next=reverse("learning:example_create"))
    assert response.redirect_chain[-1][0] == reverse("learning:example_create")


@pytest.mark.django_db
def test_an_unsafe_next_is_ignored_for_the_landing(client, lead_a, partnership_a):
    response = client.post(LOGIN, {"username": lead_a.username, "password": PASSWORD, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("partnerships:login_landing")
    assert client.get(response["Location"])["Location"] == partnership_a.get_absolute_url()


@pytest.mark.django_db
def test_a_visitor_opening_the_landing_goes_home(client):
    response = client.get(reverse("partnerships:login_landing"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
