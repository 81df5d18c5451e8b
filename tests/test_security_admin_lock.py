"""The admin uses the portal's optimistic lock: a change form opened before someone else's save is refused."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from learning.models import LearningExample
from tests.learning_data import example_form_data, make_example


class _FormFields(HTMLParser):
    """What a browser would post from the page's change form: every named input, textarea and chosen option."""

    def __init__(self):
        super().__init__()
        self.fields = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "checkbox", "file"}:
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "input" and name and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.fields.append((name, attrs.get("value") or "on"))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data


def form_data(html, **changes):
    parser = _FormFields()
    parser.feed(html)
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    data.update({name: [value] for name, value in changes.items()})
    return data


@pytest.fixture
def admin_client(client, db):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "an-admin-password-1")
    client.force_login(admin)
    return client


@pytest.fixture
def example(partnership_a):
    return make_example(partnership_a)


def change_url(example):
    return reverse("admin:learning_learningexample_change", args=[example.pk])


def test_admin_save_from_a_page_opened_before_a_portal_save_is_refused(
    admin_client, example, client_for, facilitator, django_user_model
):
    opened = admin_client.get(change_url(example)).content.decode()
    stale_post = form_data(opened, summary="The admin's summary.")

    # Meanwhile a facilitator saves in the portal.
    portal = client_for(facilitator)
    response = portal.post(
        reverse("learning:example_edit", args=[example.slug]),
        example_form_data(example, summary="The facilitator's summary."),
    )
    assert response.status_code == 302

    admin = django_user_model.objects.get(username="admin")
    admin_client.force_login(admin)
    response = admin_client.post(change_url(example), stale_post)
    assert response.status_code == 200
    assert "Someone saved this example (in the portal or here) after you opened this page" in response.content.decode()
    # The admin's text is still in the form to copy from; the facilitator's is what is saved.
    assert "The admin&#x27;s summary." in response.content.decode()
    example.refresh_from_db()
    assert example.summary == "The facilitator's summary."
    assert example.version == 2 and example.versions.count() == 2


def test_admin_save_from_a_fresh_page_is_saved_and_versioned(admin_client, example, client_for, facilitator):
    opened = admin_client.get(change_url(example)).content.decode()
    response = admin_client.post(change_url(example), form_data(opened, summary="Corrected in the admin."))
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.summary == "Corrected in the admin." and example.version == 2
    assert example.versions.get(number=2).note == "Saved in the admin"

    # ...and the portal form opened before that admin save is refused in turn.
    stale = example_form_data(example, version=1, summary="From an old portal page.")
    response = client_for(facilitator).post(reverse("learning:example_edit", args=[example.slug]), stale)
    assert response.status_code == 409
    example.refresh_from_db()
    assert example.summary == "Corrected in the admin."


def test_two_admin_pages_opened_together_only_the_first_save_wins(admin_client, example):
    first = admin_client.get(change_url(example)).content.decode()
    second = admin_client.get(change_url(example)).content.decode()
    assert admin_client.post(change_url(example), form_data(first, summary="First.")).status_code == 302
    response = admin_client.post(change_url(example), form_data(second, summary="Second."))
    assert response.status_code == 200 and "after you opened this page" in response.content.decode()
    assert LearningExample.objects.get(pk=example.pk).summary == "First."
