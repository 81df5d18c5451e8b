"""The admin's subscriber CSV export: paged by key with a fixed number of queries per chunk, and a last line that
only a complete file has (issue 15 item 4: a timeout once cut it off while it looked complete)."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Theme
from resources import admin as resources_admin
from resources.models import Subscriber, SubscriberStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.org", "a-long-password-1"))
    return client


def make_subscribers(count, themes):
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(
            email=f"person{number}@example.org",
            name=f"Person {number}",
            status=SubscriberStatus.CONFIRMED if number % 3 else SubscriberStatus.PENDING,
            consent_text="I agree.",
            consented_at=timezone.now(),
        )
        for number in range(count)
    )
    for number, subscriber in enumerate(subscribers):
        subscriber.themes.set(themes[: number % 3])
    return subscribers


def export_lines(client, **query):
    response = client.get(reverse("admin:resources_subscriber_export"), query)
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_every_chunk_costs_the_same_two_queries(admin_client, programme, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(resources_admin, "EXPORT_CHUNK_SIZE", 3)
    themes = list(Theme.objects.order_by("order", "name")[:2])
    make_subscribers(7, themes)
    response = admin_client.get(reverse("admin:resources_subscriber_export"))
    # Chunks of 3, 3 and 1 subscribers: for each, the subscribers and their themes. The short last chunk says
    # there is no more, so no empty query follows.
    with django_assert_num_queries(6):
        lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, *rows, end = lines
    assert header[0] == "Email"
    assert [row[0] for row in rows] == [f"person{number}@example.org" for number in range(7)]
    assert [row[4] for row in rows[:3]] == ["", themes[0].name, f"{themes[0].name}; {themes[1].name}"]
    assert rows[0][3] == "Waiting for confirmation" and rows[1][3] == "Confirmed"
    assert end == ["# end of export: 7 rows"]


def test_a_filtered_export_counts_only_its_rows(admin_client, programme, monkeypatch):
    monkeypatch.setattr(resources_admin, "EXPORT_CHUNK_SIZE", 2)
    make_subscribers(9, list(Theme.objects.all()[:2]))
    header, *rows, end = export_lines(admin_client, status__exact="confirmed")
    assert header == resources_admin.EXPORT_HEADER
    assert len(rows) == 6
    assert {row[3] for row in rows} == {"Confirmed"}
    assert end == ["# end of export: 6 rows"]


def test_an_empty_export_still_says_it_is_complete(admin_client):
    assert export_lines(admin_client) == [resources_admin.EXPORT_HEADER, ["# end of export: 0 rows"]]
