"""Login throttling (django-axes): repeated failures lock an account or a client out for a while, on the portal's
log-in page and the admin's, counted in the database so that every worker process sees the same count."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.conftest import PASSWORD

LOGIN_URL = reverse("login")
ADMIN_LOGIN_URL = reverse("admin:login")
LOCKED_OUT = "Too many failed log-ins"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    # Dozens of log-ins: a fast hasher keeps the test quick (autouse fixtures come before the users are made).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client, url, username, password, address="198.51.100.7", **extra):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def logged_in_as(client, user):
    return client.session.get("_auth_user_id") == str(user.pk)


def fail(client, url, username, times, **extra):
    for _ in range(times):
        response = log_in(client, url, username, "not-the-password", **extra)
        assert response.status_code in {200, 429}


def test_wrong_passwords_lock_the_account_then_the_lock_expires(client, lead_a):
    fail(client, LOGIN_URL, lead_a.username, 5)
    # The right password no longer gets in: a clear page, not a bare 403.
    response = log_in(client, LOGIN_URL, lead_a.username, PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert f"<h1>{LOCKED_OUT}</h1>" in html and "paused for 15 minutes" in html
    assert 'href="/accounts/password_reset/"' in html
    assert not logged_in_as(client, lead_a)
    # Counted in the database, which every worker shares.
    assert AccessAttempt.objects.filter(username=lead_a.username).get().failures_since_start >= 5

    # Once the cool-off period has passed since the last failure, the right password works again.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    response = log_in(client, LOGIN_URL, lead_a.username, PASSWORD)
    assert response.status_code == 302 and logged_in_as(client, lead_a)


def test_fewer_failures_than_the_limit_do_not_lock(client, lead_a):
    fail(client, LOGIN_URL, lead_a.username, 4)
    response = log_in(client, LOGIN_URL, lead_a.username, PASSWORD)
    assert response.status_code == 302 and logged_in_as(client, lead_a)


def test_lock_holds_before_the_period_ends(client, lead_a):
    fail(client, LOGIN_URL, lead_a.username, 5)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=14))
    response = log_in(client, LOGIN_URL, lead_a.username, PASSWORD)
    assert response.status_code == 429 and not logged_in_as(client, lead_a)


def test_the_account_is_locked_from_any_address(client, lead_a):
    for number in range(5):
        log_in(client, LOGIN_URL, lead_a.username, "not-the-password", address=f"203.0.113.{number}")
    response = log_in(client, LOGIN_URL, lead_a.username, PASSWORD, address="192.0.2.50")
    assert response.status_code == 429 and not logged_in_as(client, lead_a)


def test_one_client_guessing_many_accounts_is_locked(client, lead_a, lead_b):
    for number in range(5):
        log_in(client, LOGIN_URL, f"guess-{number}", "not-the-password")
    response = log_in(client, LOGIN_URL, lead_b.username, PASSWORD)
    assert response.status_code == 429 and not logged_in_as(client, lead_b)
    # Another client is unaffected.
    response = log_in(client, LOGIN_URL, lead_a.username, PASSWORD, address="192.0.2.50")
    assert response.status_code == 302 and logged_in_as(client, lead_a)


def test_logging_in_to_ones_own_account_does_not_reset_the_count_against_another(client, lead_a, lead_b):
    fail(client, LOGIN_URL, lead_b.username, 4)
    assert log_in(client, LOGIN_URL, lead_a.username, PASSWORD).status_code == 302
    client.logout()
    fail(client, LOGIN_URL, lead_b.username, 1)
    response = log_in(client, LOGIN_URL, lead_b.username, PASSWORD, address="192.0.2.50")
    assert response.status_code == 429 and not logged_in_as(client, lead_b)


def test_behind_a_proxy_the_lock_follows_the_client_not_the_header_it_sends(client, lead_a, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # Each request from the same client (198.51.100.7, appended by our proxy at 10.0.0.2) claims another address.
    for number in range(5):
        log_in(
            client,
            LOGIN_URL,
            f"guess-{number}",
            "not-the-password",
            address="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}, 198.51.100.7",
        )
    response = log_in(
        client, LOGIN_URL, lead_a.username, PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert response.status_code == 429
    assert AccessAttempt.objects.filter(ip_address="198.51.100.7").exists()


def test_admin_log_in_is_locked_too(client, db, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    fail(client, ADMIN_LOGIN_URL, "admin", 5)
    response = log_in(client, ADMIN_LOGIN_URL, "admin", PASSWORD)
    assert response.status_code == 429 and LOCKED_OUT in response.content.decode()
    assert not logged_in_as(client, admin)
    assert client.get(reverse("admin:index")).status_code == 302
