"""The dashboard's figures are counted once and shared by every facilitator (through the shared cache, under the
content version), yet a newly submitted example or asked question shows at once; non-facilitators never see them.
And, with a shared cache, sessions are read from it while staying in the database, so flushing it logs nobody
out."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from learning.models import LearningExample
from partnerships.roles import facilitators_group
from tests.conftest import make_user
from tests.learning_data import example_form_data
from tests.test_dashboard import DASHBOARD_URL, glance_rows
from tests.test_settings import manage as manage_with_environment


@pytest.fixture
def shared_cache(settings):
    """The page cache on (as in production with Redis), on a cache emptied before and after the test."""
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def second_facilitator(db):
    user = make_user("facilitator-2", first_name="Sam")
    user.groups.add(facilitators_group())
    return user


def waiting(client, row):
    response = client.get(DASHBOARD_URL)
    assert response.status_code == 200
    return glance_rows(response.getvalue().decode())[row][0]


@pytest.mark.django_db
def test_figures_counted_for_one_facilitator_serve_the_next(
    shared_cache, client_for, facilitator, second_facilitator, django_assert_num_queries
):
    client_for(facilitator).get(DASHBOARD_URL)
    client = client_for(second_facilitator)
    # 1 the session, 2 the user, 3 whether they are a facilitator; the figures (and the navigation's count of
    # questions waiting) come from the shared cache: none of the dashboard's nine aggregate queries.
    with django_assert_num_queries(3):
        response = client.get(DASHBOARD_URL)
    html = response.getvalue().decode()
    assert "Examples waiting for review" in html
    assert "may be up to 60 seconds old" in html


@pytest.mark.django_db
def test_the_page_says_nothing_of_stale_figures_when_they_are_counted_afresh(client_for, facilitator):
    html = client_for(facilitator).get(DASHBOARD_URL).getvalue().decode()
    assert "Examples waiting for review" in html
    assert "seconds old" not in html


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_newly_submitted_example_shows_at_once(shared_cache, facilitator, lead_a, partnership_a):
    dashboard = logged_in(facilitator)
    assert waiting(dashboard, "Examples waiting for review") == "0"
    lead = logged_in(lead_a)
    assert (
        lead.post(reverse("learning:example_create"), example_form_data(partnership=partnership_a.pk)).status_code
        == 302
    )
    example = LearningExample.objects.get()
    submitted = lead.post(reverse("learning:example_submit", args=[example.slug]), {"anonymity_confirmed": "on"})
    assert submitted.status_code == 302
    assert waiting(dashboard, "Examples waiting for review") == "1"


@pytest.mark.django_db
def test_a_newly_asked_question_shows_at_once(shared_cache, facilitator):
    facilitator_client = logged_in(facilitator)
    assert waiting(facilitator_client, "Unanswered FAQ questions") == "0"
    asked = Client().post(reverse("resources:faq_ask"), {"question": "Who chairs the scrutiny board?"})
    assert asked.status_code == 302
    assert waiting(facilitator_client, "Unanswered FAQ questions") == "1"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["lead_a", None])
def test_shared_figures_are_never_shown_to_non_facilitators(request, shared_cache, client_for, facilitator, who):
    client_for(facilitator).get(DASHBOARD_URL)
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).get(DASHBOARD_URL)
    assert response.status_code in (302, 403)
    assert "Examples waiting for review" not in response.getvalue().decode()


@pytest.mark.django_db
def test_a_session_in_the_shared_cache_survives_a_flush_of_the_cache(settings, client_for, facilitator):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache.clear()
    client = client_for(facilitator)
    assert Session.objects.count() == 1  # the session row stays in the database
    assert client.get(DASHBOARD_URL).status_code == 200
    cache.clear()  # Redis flushed, restarted empty or replaced
    assert client.get(DASHBOARD_URL).status_code == 200


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "django.contrib.sessions.backends.db"),  # no shared cache: one stale copy per process otherwise
        ({"DJANGO_CACHE_URL": "redis://127.0.0.1:6379/0"}, "django.contrib.sessions.backends.cached_db"),
    ],
)
def test_sessions_are_read_from_the_cache_only_when_it_is_shared(environment, expected):
    result = manage_with_environment(
        "shell", "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)", **environment
    )
    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr


def questions_badge(client):
    html = client.get(reverse("learning:review_queue")).getvalue().decode()
    return re.search(r'(\d+)<span class="visually-hidden"> waiting for an answer', html).group(1)


@pytest.mark.django_db
def test_the_navigations_count_of_questions_is_shared_yet_current(
    shared_cache, facilitator, second_facilitator, django_assert_num_queries
):
    assert questions_badge(logged_in(facilitator)) == "0"
    client = logged_in(second_facilitator)
    # 1 the session, 2 the user, 3 whether they are a facilitator; the review queue's lists and the questions
    # waiting, counted for the first facilitator, come from the shared cache.
    with django_assert_num_queries(3):
        assert questions_badge(client) == "0"
    assert Client().post(reverse("resources:faq_ask"), {"question": "Who chairs the board?"}).status_code == 302
    assert questions_badge(client) == "1"
