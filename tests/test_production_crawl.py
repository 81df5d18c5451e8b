"""The portal as deployed: gunicorn, debug off, production settings, behind an HTTPS proxy.

Starts gunicorn on the test's database (PostgreSQL when DATABASE_URL names it: the test database, with the rows
committed; otherwise a fresh SQLite file), crawls every public page reachable from the home page and a set of
pages for each signed-in role (logged in through the form, with CSRF, as a browser would), and asserts that no
response is a server error, no internal link is broken, and every HTML page carries every security header.
"""

import contextlib
import http.client
import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urldefrag, urljoin, urlsplit

import pytest
from django.db import connection

from tests.conftest import PASSWORD
from tests.s3server import free_port

pytestmark = pytest.mark.production

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# Bounds keep the crawl to a minute or two: every path at least once, a few of each page's query variants.
MAX_PUBLIC_PAGES = 250
MAX_QUERY_VARIANTS = 40
MAX_PAGES_PER_ROLE = 40
# As the README's production section runs it.
GUNICORN_OPTIONS = ["--workers", "2", "--timeout", "60"]
SECURITY_HEADERS = {
    "Content-Security-Policy": lambda value: "default-src 'self'" in value and "unsafe-inline" not in value,
    "Strict-Transport-Security": lambda value: "max-age=31536000" in value,
    "X-Content-Type-Options": lambda value: value == "nosniff",
    "Referrer-Policy": lambda value: value == "same-origin",
    "X-Frame-Options": lambda value: value == "DENY",
    "Cross-Origin-Opener-Policy": lambda value: value == "same-origin",
}
# Links a crawler must not follow: they end the session, or are POST-only actions reached by forms anyway.
SKIPPED = re.compile(r"/(logout|publish|unpublish|submit|return|restore|delete|unsubscribe)/|^/admin/logout/")

SEED_USERS = """
from django.contrib.auth import get_user_model
from partnerships.models import Membership, MembershipRole, Partnership
from partnerships.roles import facilitators_group
User = get_user_model()
password = {password!r}
facilitator = User.objects.create_user("crawl-facilitator", "crawl-facilitator@example.org", password)
facilitator.groups.add(facilitators_group())
lead = User.objects.create_user("crawl-lead", "crawl-lead@example.org", password)
Membership.objects.create(
    user=lead, partnership=Partnership.objects.get(slug="devon-plymouth-torbay"), role=MembershipRole.LEAD
)
User.objects.create_superuser("crawl-admin", "crawl-admin@example.org", password)
"""


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


class Browser:
    """Just enough of a browser over plain HTTP, as if behind the HTTPS proxy: it says the request came over
    HTTPS (X-Forwarded-Proto), keeps cookies itself (secure cookies would never go back over http://), and does
    not follow redirects, so each response is checked."""

    def __init__(self, port):
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection_ = http.client.HTTPConnection(HOST, self.port, timeout=60)
        sent = {"Host": f"{HOST}:{self.port}", "X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection_.request(method, path, body=body, headers=sent)
            response = connection_.getresponse()
            content = response.read()
        finally:
            connection_.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, content

    def log_in(self, username):
        self.request("GET", "/accounts/login/")
        token = self.cookies["csrftoken"]
        body = f"username={quote(username)}&password={quote(PASSWORD)}&csrfmiddlewaretoken={quote(token)}"
        response, content = self.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": f"{self.origin}/accounts/login/",
            },
        )
        assert response.status == 302, f"{username} could not log in: {response.status} {content[:500]!r}"
        assert "sessionid" in self.cookies


def internal_path(page, href):
    """The path (and query) of a link on our own site, or None for another site, mailto: and the like."""
    target, _ = urldefrag(urljoin(f"https://{HOST}{page}", href))
    parts = urlsplit(target)
    if parts.scheme != "https" or parts.hostname != HOST:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(browser, starts, limit):
    """Breadth first from the start pages; returns every (path, status, headers) seen and the broken links."""
    seen, queue, results, broken = set(starts), deque((path, None) for path in starts), [], []
    query_variants = 0
    while queue and len(results) < limit:
        path, found_on = queue.popleft()
        response, content = browser.request("GET", path)
        headers = {name.lower(): value for name, value in response.getheaders()}
        results.append((path, response.status, headers))
        if response.status == 404 and found_on is not None:
            broken.append((found_on, path))
        location = headers.get("location")
        targets = [location] if location and 300 <= response.status < 400 else []
        if headers.get("content-type", "").startswith("text/html") and response.status == 200:
            parser = Links()
            parser.feed(content.decode("utf-8", "replace"))
            targets += parser.hrefs
        for href in targets:
            target = internal_path(path, href)
            if target is None or target in seen or SKIPPED.search(target):
                continue
            if "?" in target:
                if query_variants >= MAX_QUERY_VARIANTS:
                    continue
                query_variants += 1
            seen.add(target)
            queue.append((target, path))
    return results, broken


def manage(environment, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def database_url(tmp_path):
    """PostgreSQL: the test database itself, its rows committed (transactional_db) so gunicorn sees them, and
    emptied again after the test. SQLite: the test database lives in memory, so a fresh file of its own."""
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        # Never the database DATABASE_URL names: the crawl adds accounts, and the test empties what it used.
        assert settings["NAME"].startswith("test_"), settings["NAME"]
        user = quote(settings["USER"], safe="")
        password = quote(settings["PASSWORD"], safe="")
        return f"postgres://{user}:{password}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}", False
    return f"sqlite:///{tmp_path / 'production.sqlite3'}", True


def production_settings(tmp_path, database_url, port):
    """The environment a deployment sets (README, Production), for a database and a port."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        DATABASE_URL=database_url,
        # Connections held open would stop the test database being emptied and dropped afterwards.
        DATABASE_CONN_MAX_AGE="0",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_PORTAL_BASE_URL=f"https://{HOST}:{port}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_LOG_LEVEL="ERROR",
    )
    manage(environment, "collectstatic", "--noinput")
    return environment


@contextlib.contextmanager
def running_gunicorn(environment, port, log, *options):
    """gunicorn as the README starts it (plus any `options`), until /healthz answers; stopped on leaving."""
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ea_portal.wsgi",
                "--bind",
                f"{HOST}:{port}",
                *GUNICORN_OPTIONS,
                *options,
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                response, _ = Browser(port).request("GET", "/healthz")
                if response.status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer /healthz within 60 s:\n" + log.read_text()
            time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    url, needs_migrating = database_url(tmp_path)
    port = free_port()
    environment = production_settings(tmp_path, url, port)
    if needs_migrating:
        manage(environment, "migrate", "--noinput")
    manage(environment, "load_programme")
    manage(environment, "shell", "-c", SEED_USERS.format(password=PASSWORD))
    log = tmp_path / "gunicorn.log"
    with running_gunicorn(environment, port, log):
        yield port, log


def assert_healthy(results, broken, log):
    errors = [(path, status) for path, status, _ in results if status >= 500]
    assert errors == [], f"server errors: {errors}\n{log.read_text()[-5000:]}"
    assert broken == [], f"internal links to missing pages (found on, link): {broken}"
    for path, status, headers in results:
        if headers.get("content-type", "").startswith("text/html"):
            for name, valid in SECURITY_HEADERS.items():
                value = headers.get(name.lower())
                assert value is not None and valid(value), f"{path} ({status}): {name} is {value!r}"


# (username, a page only that role sees, words on it)
ROLES = [
    ("crawl-facilitator", "/review/", "<h1>Review queue</h1>"),
    ("crawl-lead", "/contribute/", "<h1>My partnership"),
    ("crawl-admin", "/admin/", "EA Portal administration"),
]


def test_every_page_serves_without_error_and_with_every_security_header(gunicorn):
    """One gunicorn for everything (starting it and loading the data is most of the time)."""
    port, log = gunicorn
    # The header's search box is a form, not a link: a search starts the crawl too.
    results, broken = crawl(Browser(port), ["/", "/search/?q=review"], MAX_PUBLIC_PAGES)
    assert_healthy(results, broken, log)
    pages = {path for path, status, _ in results if status == 200}
    # The crawl reached every part of the site from the home page, not just the home page.
    for section in ("/matrix/", "/partnerships/", "/themes/", "/learning/", "/resources/", "/search/"):
        assert any(path.startswith(section) for path in pages), f"the crawl never reached {section}"
    assert len(pages) >= 40, sorted(pages)

    for username, start, words in ROLES:
        browser = Browser(port)
        browser.log_in(username)
        response, content = browser.request("GET", start)
        assert response.status == 200, (username, start, response.status)
        assert words in content.decode(), (username, start)
        results, broken = crawl(browser, [start, "/"], MAX_PAGES_PER_ROLE)
        assert_healthy(results, broken, log)
        assert sum(1 for _, status, _ in results if status == 200) >= 10, (username, results)

    # A plain-HTTP request is sent to HTTPS, except the load balancer's probes.
    plain = http.client.HTTPConnection(HOST, port, timeout=30)
    plain.request("GET", "/matrix/", headers={"Host": f"{HOST}:{port}"})
    redirect = plain.getresponse()
    assert (redirect.status, redirect.getheader("Location")) == (301, f"https://{HOST}:{port}/matrix/")
    redirect.read()
    plain.request("GET", "/readyz", headers={"Host": f"{HOST}:{port}"})
    ready = plain.getresponse()
    assert ready.status == 200, ready.read()
    assert "no-store" in ready.getheader("Cache-Control")
    plain.close()


def test_with_the_database_down_pages_answer_503_and_the_probes_say_why(tmp_path):
    """A database server that refuses connections (a closed port), in production settings: the outage page,
    not a 500; /healthz still 200 (keep the process), /readyz 503 naming the database (take it out of rotation)."""
    port = free_port()
    environment = production_settings(tmp_path, f"postgres://ea_portal:unused@{HOST}:{free_port()}/none", port)
    environment["DJANGO_OUTAGE_CONTACT_EMAIL"] = "ea-portal@ncb.example"
    log = tmp_path / "gunicorn.log"
    with running_gunicorn(environment, port, log):
        browser = Browser(port)
        for path in ("/", "/learning/", "/resources/", "/matrix/"):
            response, content = browser.request("GET", path)
            assert response.status == 503, (path, response.status, log.read_text()[-3000:])
            assert response.getheader("Retry-After") == "120"
            assert "The EA Portal is temporarily unavailable" in content.decode()
            assert "mailto:ea-portal@ncb.example" in content.decode()
            for name, valid in SECURITY_HEADERS.items():
                assert valid(response.getheader(name) or ""), (path, name)
        assert browser.request("GET", "/healthz")[0].status == 200
        response, content = browser.request("GET", "/readyz")
        assert response.status == 503
        assert json.loads(content)["failed"] == ["database"]
