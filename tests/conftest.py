"""Shared fixtures: the programme data, a fixed cast of users, and the browser for end-to-end tests.

The cast, used by every feature's tests:
- ``facilitator``: an NCB facilitator (in the facilitators group);
- ``lead_a``: a lead of ``partnership_a`` (Devon, Plymouth, Torbay);
- ``lead_b``: a lead of ``partnership_b`` (North Lincolnshire);
- the anonymous visitor is Django's plain ``client``.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from partnerships import programme_data
from partnerships.models import Membership, MembershipRole, Partnership
from partnerships.roles import facilitators_group

PASSWORD = "a-long-test-password-1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session", autouse=True)
def fast_password_hasher():
    """Tests hash with MD5: the production hasher is slow on purpose, and the suite creates and logs in many users.

    Production settings keep Django's default; only the test process changes.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def programme(db):
    """The deck's programme data: 17 partnerships, 11 themes, 36 matrix marks, 3 arrangements."""
    programme_data.load()


@pytest.fixture
def partnership_a(programme):
    return Partnership.objects.get(slug="devon-plymouth-torbay")


@pytest.fixture
def partnership_b(programme):
    return Partnership.objects.get(slug="north-lincolnshire")


def make_user(username, **extra):
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )


@pytest.fixture
def facilitator(db):
    user = make_user("facilitator", first_name="Fran")
    user.groups.add(facilitators_group())
    return user


@pytest.fixture
def lead_a(partnership_a):
    user = make_user("lead-a", first_name="Alex")
    Membership.objects.create(user=user, partnership=partnership_a, role=MembershipRole.LEAD)
    return user


@pytest.fixture
def lead_b(partnership_b):
    user = make_user("lead-b", first_name="Bo")
    Membership.objects.create(user=user, partnership=partnership_b, role=MembershipRole.LEAD)
    return user


@pytest.fixture
def client_for(client):
    """Log the test client in as a user (or stay anonymous with None) and return it."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


# Browser tests ---------------------------------------------------------------------------------------


def chromium_available():
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser():
    if not chromium_available():
        message = (
            f"Chromium not found at {CHROMIUM}. Install it with `apt-get install -y chromium` "
            "(or set CHROMIUM_PATH) to run the browser tests."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + " Under CI=true the browser tests are required.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the test inject axe-core; the portal's own pages never need it.
    context = browser.new_context(bypass_csp=True, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def login_in_browser(page):
    """Log a user in through the portal's own log-in form, and wait for the page it leads to."""

    def login(user):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        # The click returns before the next page exists: wait until the log-in page has gone, then its load.
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.wait_for_load_state("load")

    return login


@pytest.fixture
def log_in_with_cookie(page, live_server):
    """Log a user in without the log-in page, for tests about other pages: a session cookie from the test client."""

    def login(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return login


def wait_for_mail(page, count=1):
    """Mail leaves once the request that queued it has committed (tests/task_backends.py), which may be just after
    the browser shows the next page: wait for it briefly rather than read the outbox too early."""
    from django.core import mail

    for _ in range(50):
        if len(mail.outbox) >= count:
            return
        page.wait_for_timeout(100)


def assert_no_axe_violations(page):
    """Run axe-core (shipped by the axe-playwright-python package) on the page and fail on any violation.

    The caller has already waited for the page its last action opened (tests.browser.arrive); this only makes sure
    that page has finished loading before axe reads it.
    """
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    results = Axe().run(page)
    violations = results.response["violations"]
    report = "\n".join(
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in violations
    )
    assert not violations, f"axe-core found violations on {page.url}:\n{report}"


@pytest.fixture
def axe():
    return assert_no_axe_violations


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def tasks_run_when_their_transaction_commits(request, settings):
    """Tasks (emails above all) run in the test process once the transaction that queued them commits, so a test
    can read mail.outbox after the action (tests/task_backends.py). Tests marked `task_worker` keep the real
    database backend and run the worker themselves."""
    if request.node.get_closest_marker("task_worker") is None:
        settings.TASKS = {"default": {"BACKEND": "tests.task_backends.ImmediateOnCommitBackend"}}


@pytest.fixture(autouse=True)
def commit_callbacks_run_at_the_end_of_each_request(monkeypatch):
    """Each test runs inside a transaction that is never committed, so the on_commit callbacks of the views it
    calls (emails, search indexing) would never run. In production a view's transactions have committed by the
    time its response goes: run the callbacks a test-client request registers when it returns, as they would."""
    from django.test import TestCase
    from django.test.client import ClientHandler

    handle = ClientHandler.__call__

    def handle_then_commit(self, environ):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return handle(self, environ)

    monkeypatch.setattr(ClientHandler, "__call__", handle_then_commit)


@pytest.fixture(autouse=True)
def pages_rendered_afresh(settings):
    """Whole pages and fragments are never served from the cache (ea_portal.page_cache) unless a test asks: the
    database is rolled back after each test but the cache is not, so a page cached by one test would be served,
    stale, to the next. Off already without DJANGO_CACHE_URL; this keeps it off when a shell sets it."""
    settings.PAGE_CACHE = False
