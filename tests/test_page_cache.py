"""Whole anonymous pages from the cache (ea_portal.page_cache), retired by the content version.

The cache is off in tests by default (no shared cache is configured, so settings.PAGE_CACHE is False): every other
test sees freshly rendered pages. These tests turn it on and start from an empty cache.
"""

import gzip
import re
from io import StringIO
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from ea_portal import content_version
from learning.models import State
from partnerships.models import Partnership, Theme
from resources.models import FAQ, FAQStatus
from tests.conftest import PASSWORD
from tests.learning_data import make_example
from tests.s3server import free_port
from tests.test_production_crawl import (
    SEED_USERS,
    assert_healthy,
    database_url,
    manage,
    production_settings,
    running_gunicorn,
)
from tests.test_production_crawl import Browser as CrawlBrowser
from tests.test_resources import make_resource
from tests.test_settings import manage as manage_with_environment


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def visitor():
    return Client()


def fetch(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response


def twice(client, path):
    """Fetch a page twice and return the second answer, which the cache should have given."""
    assert fetch(client, path)["X-Cache"] == "miss"
    second = fetch(client, path)
    assert second["X-Cache"] == "hit"
    return second


PUBLIC_PAGES = [
    "/",
    "/matrix/",
    "/partnerships/",
    "/partnerships/devon-plymouth-torbay/",
    "/themes/",
    "/themes/independent-scrutiny/",
    "/arrangements/",
    "/learning/",
    "/learning/?theme=independent-scrutiny",
    "/resources/",
    "/faqs/",
    "/enquiry/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_second_anonymous_visit_is_answered_from_the_cache_without_the_database(
    page_cache, programme, visitor, path, django_assert_num_queries
):
    first = fetch(visitor, path)
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = fetch(visitor, path)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    # The security middleware above the cache still adds its headers to a cached answer.
    assert "Content-Security-Policy" in second
    assert second["X-Frame-Options"] == "DENY"


def test_the_query_string_is_part_of_the_address_in_any_order(page_cache, programme, visitor):
    twice(visitor, "/learning/?theme=independent-scrutiny&stage=idea")
    assert fetch(visitor, "/learning/?stage=idea&theme=independent-scrutiny")["X-Cache"] == "hit"
    assert fetch(visitor, "/learning/?theme=information-sharing")["X-Cache"] == "miss"


def test_the_page_cache_can_be_switched_off(settings, programme, visitor):
    settings.PAGE_CACHE = False
    fetch(visitor, "/")
    assert "X-Cache" not in fetch(visitor, "/")


# Published content changes retire the cached pages ----------------------------------------------------------


def test_publishing_and_unpublishing_an_example_through_the_pages(page_cache, client_for, facilitator, lead_a, visitor):
    example = make_example(lead_a.memberships.get().partnership, state=State.SUBMITTED, title="Shared audit days")
    assert "Shared audit days" not in twice(visitor, "/learning/").content.decode()

    facilitator_client = client_for(facilitator)
    response = facilitator_client.post(f"/learning/{example.slug}/publish/", {"publish-anonymity_confirmed": "on"})
    assert response.status_code == 302
    assert "Shared audit days" in fetch(visitor, "/learning/").content.decode()
    assert "Shared audit days" in twice(visitor, example.get_absolute_url()).content.decode()

    facilitator_client.post(f"/learning/{example.slug}/unpublish/", {"unpublish-reason": "Out of date"})
    assert "Shared audit days" not in fetch(visitor, "/learning/").content.decode()
    assert visitor.get(example.get_absolute_url()).status_code == 404


def test_editing_a_published_example_retires_its_page(
    page_cache, partnership_a, visitor, django_capture_on_commit_callbacks
):
    example = make_example(partnership_a, state=State.PUBLISHED, title="Joint case reviews")
    twice(visitor, example.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        example.summary = "A rewritten summary of the reviews."
        example.save()
    assert "A rewritten summary of the reviews." in fetch(visitor, example.get_absolute_url()).content.decode()


def test_changing_an_examples_themes_retires_the_filtered_list(
    page_cache, partnership_a, visitor, django_capture_on_commit_callbacks
):
    example = make_example(partnership_a, state=State.PUBLISHED, title="Joint case reviews")
    path = "/learning/?theme=information-sharing"
    assert "Joint case reviews" not in twice(visitor, path).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        example.themes.add(Theme.objects.get(slug="information-sharing"))
    assert "Joint case reviews" in fetch(visitor, path).content.decode()


def test_publishing_a_resource_retires_the_resource_list(
    page_cache, programme, visitor, django_capture_on_commit_callbacks
):
    resource = make_resource("Scrutiny toolkit", published=False)
    assert "Scrutiny toolkit" not in twice(visitor, "/resources/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        resource.published = True
        resource.save()
    assert "Scrutiny toolkit" in fetch(visitor, "/resources/").content.decode()


def test_editing_and_unpublishing_an_faq_retires_the_faq_page(
    page_cache, programme, visitor, django_capture_on_commit_callbacks
):
    faq = FAQ.objects.create(
        question="Who chairs the partnership?",
        answer="The three partners agree.",
        theme=Theme.objects.get(slug="independent-scrutiny"),
        status=FAQStatus.PUBLISHED,
    )
    # A theme's answers are on its own FAQ page (/faqs/ lists the themes).
    page = "/faqs/themes/independent-scrutiny/"
    assert "The three partners agree." in twice(visitor, page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        faq.answer = "The partners take turns."
        faq.save()
    assert "The partners take turns." in fetch(visitor, page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        faq.status = FAQStatus.DRAFT
        faq.save()
    assert "Who chairs the partnership?" not in fetch(visitor, page).content.decode()


def test_a_theme_note_and_a_partnership_note_retire_their_pages(
    page_cache, programme, visitor, django_capture_on_commit_callbacks
):
    theme = Theme.objects.get(slug="independent-scrutiny")
    partnership = Partnership.objects.get(slug="devon-plymouth-torbay")
    twice(visitor, theme.get_absolute_url())
    twice(visitor, partnership.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        theme.description = "A new note about scrutiny."
        theme.save()
        partnership.summary = "A new note about the partnership."
        partnership.save()
    assert "A new note about scrutiny." in fetch(visitor, theme.get_absolute_url()).content.decode()
    assert "A new note about the partnership." in fetch(visitor, partnership.get_absolute_url()).content.decode()


def test_a_change_that_never_commits_keeps_the_cached_pages(page_cache, programme, visitor):
    twice(visitor, "/themes/")
    version = content_version.current()
    # The test's own transaction never commits, so the save's bump (after commit) never runs.
    Theme.objects.filter(slug="independent-scrutiny").get().save()
    assert content_version.current() == version
    assert fetch(visitor, "/themes/")["X-Cache"] == "hit"


def test_the_management_command_and_a_lost_version_retire_everything(page_cache, programme, visitor):
    twice(visitor, "/")
    call_command("bump_content_version", stdout=StringIO())
    assert fetch(visitor, "/")["X-Cache"] == "miss"
    assert fetch(visitor, "/")["X-Cache"] == "hit"
    cache.delete(content_version.KEY)
    assert fetch(visitor, "/")["X-Cache"] == "miss"


def test_a_signed_in_users_successful_post_bumps_the_version(page_cache, client_for, facilitator, programme):
    """The safety net for changes no model signal reports (bulk updates such as reordering FAQs)."""
    version = content_version.current()
    client_for(facilitator).post("/faqs/999999/move/", {"direction": "up"})  # a 404: nothing changed
    assert content_version.current() == version
    faqs = [
        FAQ.objects.create(question=f"Q{n}?", answer="A.", theme=Theme.objects.first(), status="published", order=n)
        for n in (1, 2)
    ]
    client_for(facilitator).post(f"/faqs/{faqs[1].pk}/move/", {"direction": "up"})
    assert content_version.current() != version


# Who is never served or stored ------------------------------------------------------------------------------


def test_a_logged_in_user_never_gets_the_cached_anonymous_page(page_cache, programme, client_for, lead_a, visitor):
    twice(visitor, "/")
    signed_in = client_for(lead_a)
    response = fetch(signed_in, "/")
    assert "X-Cache" not in response
    assert "Log out" in response.content.decode()
    assert "Logged in as Alex" in response.content.decode()


def test_a_logged_in_users_page_is_never_stored(page_cache, programme, client_for, lead_a, visitor):
    signed_in = client_for(lead_a)
    fetch(signed_in, "/")
    fetch(signed_in, "/")
    response = fetch(visitor, "/")
    assert response["X-Cache"] == "miss"
    assert "Logged in as" not in response.content.decode()
    assert "Log out" not in response.content.decode()


def test_pages_with_a_csrf_form_are_never_cached(page_cache, programme, visitor):
    for path in ("/accounts/login/", "/newsletter/", "/faqs/ask/"):
        first = fetch(visitor, path)
        assert 'name="csrfmiddlewaretoken"' in first.content.decode()
        assert "X-Cache" not in first
        assert "X-Cache" not in fetch(visitor, path), path


def test_a_visitor_with_a_pending_message_is_not_served_from_the_cache(page_cache, programme, visitor):
    twice(visitor, "/newsletter/check-your-email/")
    visitor.cookies["messages"] = "anything"
    assert "X-Cache" not in fetch(visitor, "/newsletter/check-your-email/")


def test_private_pages_and_errors_are_not_cached(page_cache, programme, visitor):
    assert visitor.get("/learning/no-such-example/").status_code == 404
    assert "X-Cache" not in visitor.get("/learning/no-such-example/")
    # The newsletter links show the subscriber's address: never kept in a shared cache.
    response = visitor.get("/newsletter/confirm/not-a-real-token/")
    assert "no-store" in response["Cache-Control"]
    assert "X-Cache" not in response


# The matrix's body, shared by everyone -------------------------------------------------------------------------


def title(response):
    return response.content.decode().split("<title>")[1].split("</title>")[0]


def test_logged_in_users_get_the_matrix_body_from_the_cache_with_their_own_header(
    page_cache, client_for, lead_a, facilitator, django_assert_max_num_queries
):
    fetch(client_for(facilitator), "/matrix/")
    signed_in = client_for(lead_a)
    # The session, the user, the navigation's checks: nothing of the matrix's build.
    with django_assert_max_num_queries(4):
        response = fetch(signed_in, "/matrix/")
    html = response.content.decode()
    assert "Logged in as Alex" in html
    assert "Logged in as Fran" not in html
    assert html.count("<h1>") == 1
    assert 'href="/partnerships/devon-plymouth-torbay/"' in html


def test_the_matrix_body_follows_the_content_version(
    page_cache, client_for, lead_a, django_capture_on_commit_callbacks
):
    signed_in = client_for(lead_a)
    theme = Theme.objects.in_matrix().first()
    partnership = Partnership.objects.exclude(approaches__theme=theme).first()
    path = f"/matrix/?theme={theme.slug}&view=partnerships"
    assert f'href="{partnership.get_absolute_url()}"' not in fetch(signed_in, path).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        partnership.approaches.create(theme=theme)
    assert f'href="{partnership.get_absolute_url()}"' in fetch(signed_in, path).content.decode()


def test_a_cached_matrix_with_a_bad_filter_still_says_error_in_its_title(page_cache, client_for, lead_a):
    signed_in = client_for(lead_a)
    for _ in range(2):
        response = fetch(signed_in, "/matrix/?region=nowhere")
        assert title(response).startswith("Error: ")
    assert not title(fetch(signed_in, "/matrix/?region=")).startswith("Error: ")


# As deployed: gunicorn, debug off, behind the HTTPS proxy ---------------------------------------------------------


@pytest.mark.production
def test_under_gunicorn_cached_pages_carry_every_security_header_and_follow_a_publish(transactional_db, tmp_path):
    """One worker, so its own (local-memory) cache is the shared one; the two-server test covers Redis."""
    url, needs_migrating = database_url(tmp_path)
    port = free_port()
    environment = production_settings(tmp_path, url, port)
    environment["DJANGO_PAGE_CACHE"] = "1"
    if needs_migrating:
        manage(environment, "migrate", "--noinput")
    manage(environment, "load_programme")
    manage(environment, "shell", "-c", SEED_USERS.format(password=PASSWORD))
    log = tmp_path / "gunicorn.log"
    with running_gunicorn(environment, port, log, "--workers", "1"):
        visitor = CrawlBrowser(port)
        gzip_header = {"Accept-Encoding": "gzip"}
        for path in ("/", "/matrix/", "/themes/independent-scrutiny/"):
            first, _ = visitor.request("GET", path, headers=gzip_header)
            second, content = visitor.request("GET", path, headers=gzip_header)
            assert (first.getheader("X-Cache"), second.getheader("X-Cache")) == ("miss", "hit"), path
            assert second.getheader("Content-Encoding") == "gzip"
            assert "<h1>" in gzip.decompress(content).decode()
            headers = {name.lower(): value for name, value in second.getheaders()}
            assert_healthy([(path, second.status, headers)], [], log)
            assert "set-cookie" not in headers

        facilitator = CrawlBrowser(port)
        facilitator.log_in("crawl-facilitator")
        signed_in, content = facilitator.request("GET", "/themes/independent-scrutiny/")
        assert signed_in.getheader("X-Cache") is None
        assert signed_in.getheader("Content-Encoding") is None
        assert "Log out" in content.decode()

        # A facilitator edits the theme's note; the visitor's cached theme page shows the new words at once.
        _, content = facilitator.request("GET", "/themes/independent-scrutiny/note/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content.decode()).group(1)
        body = f"csrfmiddlewaretoken={quote(token)}&description={quote('Scrutiny, freshly noted.')}"
        edited, _ = facilitator.request(
            "POST",
            "/themes/independent-scrutiny/note/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": facilitator.origin,
                "Referer": f"{facilitator.origin}/themes/independent-scrutiny/note/",
            },
        )
        assert edited.status == 302, log.read_text()[-3000:]
        after, content = visitor.request("GET", "/themes/independent-scrutiny/")
        assert after.getheader("X-Cache") == "miss"
        assert "Scrutiny, freshly noted." in content.decode()


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "False"),  # one local-memory cache per process: a publish could not reach the others' pages
        ({"DJANGO_CACHE_URL": "redis://127.0.0.1:6379/0"}, "True"),
        ({"DJANGO_CACHE_URL": "redis://127.0.0.1:6379/0", "DJANGO_PAGE_CACHE": "0"}, "False"),
        ({"DJANGO_PAGE_CACHE": "1"}, "True"),
    ],
)
def test_the_page_cache_is_on_with_a_shared_cache_unless_switched_off(environment, expected):
    result = manage_with_environment(
        "shell", "-c", "from django.conf import settings; print(settings.PAGE_CACHE)", **environment
    )
    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr


def test_the_health_probes_never_ask_the_cache(page_cache, db, client, monkeypatch):
    asked = []
    monkeypatch.setattr(cache, "get_many", lambda keys, **kwargs: asked.append(keys) or {})
    assert client.get("/healthz").status_code == 200
    assert asked == []
    client.get("/themes/")
    assert len(asked) == 1


def test_pages_are_still_served_while_the_cache_is_down(page_cache, programme, client, monkeypatch):
    def cache_down(*args, **kwargs):
        raise ConnectionError("Redis is not answering")

    monkeypatch.setattr(cache, "get_many", cache_down)
    response = client.get("/themes/")
    assert response.status_code == 200
    assert "X-Cache" not in response


def test_a_cached_feed_still_answers_a_conditional_request(page_cache, partnership_a, visitor):
    make_example(partnership_a, state=State.PUBLISHED, title="Joint case reviews")
    feed = twice(visitor, "/learning/feed/rss/")
    last_modified = feed["Last-Modified"]
    unchanged = visitor.get("/learning/feed/rss/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert unchanged.status_code == 304
    assert unchanged.content == b""


def test_a_head_request_is_answered_from_the_cached_page(page_cache, programme, visitor):
    page = twice(visitor, "/themes/")
    head = visitor.head("/themes/")
    assert head["X-Cache"] == "hit"
    assert head["Content-Length"] == str(len(page.content))
