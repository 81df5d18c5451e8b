"""When the database cannot be reached, every page answers 503 with Retry-After and a plain page, not a 500."""

import pytest
from django.db import OperationalError, connection

from ea_portal import urls
from ea_portal.unavailable import server_error

pytestmark = pytest.mark.django_db

PAGES = ["/", "/resources/", "/learning/", "/search/?q=review", "/matrix/"]


def refuse(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


def assert_outage_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "The EA Portal is temporarily unavailable" in html
    assert "The service will be back shortly" in html
    return html


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_503_when_queries_fail(client, path):
    with connection.execute_wrapper(refuse):
        response = client.get(path)
    html = assert_outage_page(response)
    assert "mailto:" not in html


def test_a_signed_in_users_session_and_account_cannot_load(client_for, facilitator):
    client = client_for(facilitator)
    with connection.execute_wrapper(refuse):
        response = client.get("/")
    assert_outage_page(response)


def test_the_contact_address_appears_only_when_configured(client, settings):
    settings.OUTAGE_CONTACT_EMAIL = "ea-portal@ncb.example"
    settings.OUTAGE_RETRY_AFTER_SECONDS = 300
    with connection.execute_wrapper(refuse):
        response = client.get("/")
    assert response["Retry-After"] == "300"
    assert 'href="mailto:ea-portal@ncb.example"' in response.content.decode()


def test_a_failure_outside_any_view_also_gets_the_outage_page(rf):
    """A session saved in SessionMiddleware's response phase fails after the view: Django hands that to
    handler500, which must tell a database outage from a bug."""
    request = rf.get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert_outage_page(response)
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500


def test_the_portal_uses_the_outage_aware_500_handler():
    assert urls.handler500 == "ea_portal.unavailable.server_error"


def test_other_database_errors_stay_server_errors(client):
    from django.db import ProgrammingError

    def broken(execute, sql, params, many, context):
        raise ProgrammingError("relation does not exist")

    with connection.execute_wrapper(broken), pytest.raises(ProgrammingError):
        client.get("/")


@pytest.mark.django_db(transaction=True)
def test_a_database_server_that_refuses_connections_gives_503(client):
    """Not a patched query: the real connection attempt fails (PostgreSQL: a closed port; SQLite: a file that
    cannot be opened)."""
    original = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT="9")
    else:
        # The in-memory test database vanishes when closed: set it aside rather than close it.
        kept, connection.connection = connection.connection, None
        connection.settings_dict.update(NAME="/nonexistent-directory/ea-portal.sqlite3")
    try:
        response = client.get("/resources/")
    finally:
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
        if connection.vendor == "postgresql":
            connection.close()
        else:
            connection.connection = kept
    assert_outage_page(response)
