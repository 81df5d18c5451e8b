"""Log in, log out, password change and password reset by email, on the portal's own styled pages."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.html import visible_text


@pytest.mark.django_db
def test_log_in_page_has_labelled_fields_and_logs_in(client, lead_a):
    html = client.get(reverse("login")).content.decode()
    assert html.count("<h1") == 1 and "Log in – EA Portal" in html
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert "Forgotten your password?" in html
    response = client.post(reverse("login"), {"username": "lead-a", "password": PASSWORD}, follow=True)
    text = visible_text(response.content)
    assert "Logged in as Alex" in text and "Log out" in text and "Contribute" in text


@pytest.mark.django_db
def test_wrong_password_is_explained_and_the_username_kept(client, lead_a):
    response = client.post(reverse("login"), {"username": "lead-a", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "enter a correct username and password" in html
    assert 'value="lead-a"' in html


@pytest.mark.django_db
def test_log_in_returns_to_the_protected_page(client, lead_a):
    response = client.get(reverse("learning:my_examples"))
    assert response.status_code == 302
    response = client.post(
        response["Location"], {"username": "lead-a", "password": PASSWORD, "next": reverse("learning:my_examples")}
    )
    assert response["Location"] == reverse("learning:my_examples")


@pytest.mark.django_db
def test_log_out_is_a_post_form_in_the_navigation(client_for, lead_a):
    client = client_for(lead_a)
    html = client.get(reverse("home")).content.decode()
    assert re.search(
        r'<form method="post" action="/accounts/logout/"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken"', html
    )
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("home")
    assert client.get(reverse("learning:my_examples")).status_code == 302


@pytest.mark.django_db
def test_password_change(client_for, lead_a):
    client = client_for(lead_a)
    assert "Change your password" in client.get(reverse("password_change")).content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-password-77",
            "new_password2": "a-new-long-password-77",
        },
        follow=True,
    )
    assert "Your password has been changed" in response.content.decode()
    lead_a.refresh_from_db()
    assert lead_a.check_password("a-new-long-password-77")


@pytest.mark.django_db
def test_password_change_needs_logging_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_password_reset_by_email(client, lead_a):
    response = client.post(reverse("password_reset"), {"email": "lead-a@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    (email,) = mail.outbox
    assert email.to == ["lead-a@example.org"] and email.subject == "Reset your EA Portal password"
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", email.body).group(1)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "reset-long-password-55", "new_password2": "reset-long-password-55"},
        follow=True,
    )
    assert "Your new password has been saved" in response.content.decode()
    lead_a.refresh_from_db()
    assert lead_a.check_password("reset-long-password-55")
    # The link works once.
    assert "This link has expired or been used" in client.get(link, follow=True).content.decode()


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, lead_a):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert not mail.outbox


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["login", "password_reset", "password_reset_done", "password_reset_complete"])
def test_account_pages_have_one_h1_and_no_inline_script(client, programme, name):
    html = client.get(reverse(name)).content.decode()
    assert html.count("<h1") == 1 and "<script>" not in html and "style=" not in html


@pytest.mark.django_db
def test_there_is_no_self_registration(client):
    assert client.get("/accounts/register/").status_code == 404
    assert client.get("/accounts/signup/").status_code == 404
