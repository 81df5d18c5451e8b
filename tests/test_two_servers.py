"""Two web servers behind one (imagined) load balancer, as the README's production section runs the portal.

Two gunicorn instances with production settings on different ports share one PostgreSQL database, one Redis cache,
one S3-compatible bucket (moto's server) and one task worker (`manage.py db_worker`, mailing through a backend that
records each message in a file). A facilitator works through server 1 and a visitor through server 2: an upload on
one is downloaded from the other and counted once, a rate limit reached on one holds on the other, and a newsletter
sent from one is delivered by the worker exactly once to each confirmed subscriber it is meant for.
"""

import contextlib
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections import Counter
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from resources.models import NewsletterIssue, Resource
from tests import test_newsletter_send
from tests.conftest import PASSWORD
from tests.s3server import (
    free_port,
    new_bucket,
    s3_client,
    s3_environment,
    s3_server,  # noqa: F401 (the session's S3 server)
)
from tests.test_production_crawl import ROOT, Browser, database_url, production_settings, running_gunicorn
from tests.test_resources_uploads import PDF_BYTES

# Two servers need one database both reach over the network: PostgreSQL, as in production and in CI (where
# DATABASE_URL names it, so this never skips there).
pytestmark = [
    pytest.mark.two_servers,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two servers share one PostgreSQL database: set DATABASE_URL=postgres://... to run this test",
    ),
]
audience = test_newsletter_send.audience  # the subscribers send_newsletter's tests use

# The Redis the service machines run (README, Production); each run uses keys of its own under a fresh prefix.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Low enough to reach in a few requests; a day long, so no window ends during the test.
FAQ_QUESTION_RATE = "2/d"
WAIT_SECONDS = 120


def in_ci():
    return os.environ.get("CI") == "true"


def redis_or_skip():
    """A client for the shared Redis; CI must have it (.ci/run checks it), elsewhere its absence skips."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        message = f"Redis is not reachable at {REDIS_URL} ({error}); the two servers share their cache there"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return client


def own_control_socket(tmp_path, number):
    """gunicorn's control socket defaults to one path in the home directory: two servers on one machine would
    take it from each other (and the first to stop would remove the other's)."""
    return ["--control-socket", str(tmp_path / f"gunicorn{number}.ctl")]


@contextlib.contextmanager
def running_worker(environment, log):
    """The one task worker, as the README starts it; stopped (SIGTERM, as a service manager would) on leaving."""
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_until(condition, what, logs):
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {log.name}:\n{log.read_text()[-3000:]}" for log in logs if log.exists())
            pytest.fail(f"{what} did not happen within {WAIT_SECONDS} s\n{tails}")
        time.sleep(0.25)


def recorded(mail_file):
    """(address, subject) of each message the worker handed to the recording mail backend."""
    if not mail_file.exists():
        return []
    return [tuple(line.split("\t", 1)) for line in mail_file.read_text(encoding="utf-8").splitlines() if line]


def csrf_headers(browser, path):
    return {"Origin": browser.origin, "Referer": f"{browser.origin}{path}"}


def post_form(browser, path, fields):
    """A form's POST as a browser sends it: URL-encoded, with the CSRF cookie's token, Origin and Referer."""
    body = urlencode([*fields, ("csrfmiddlewaretoken", browser.cookies["csrftoken"])])
    headers = {"Content-Type": "application/x-www-form-urlencoded", **csrf_headers(browser, path)}
    return browser.request("POST", path, body=body, headers=headers)


def post_multipart(browser, path, fields, files):
    """A form with a file input, POSTed as multipart/form-data."""
    boundary = f"----ea-portal-{uuid.uuid4().hex}"
    parts = []
    for name, value in [*fields, ("csrfmiddlewaretoken", browser.cookies["csrftoken"])]:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", **csrf_headers(browser, path)}
    return browser.request("POST", path, body=body, headers=headers)


def redirected_path(response, content, what):
    assert response.status == 302, f"{what}: {response.status} {content[:1500]!r}"
    return urlsplit(response.getheader("Location")).path


def ask_question(browser, number):
    browser.request("GET", "/faqs/ask/")
    response, _ = post_form(browser, "/faqs/ask/", [("question", f"How do other partnerships do {number}?")])
    return response.status


@pytest.fixture
def portal(s3_server, tmp_path, facilitator, audience):  # noqa: F811
    """Two gunicorn servers and one worker on the same database, Redis and bucket; yields what the test needs."""
    redis_client = redis_or_skip()
    # Production hashes passwords as Django does by default (the tests' MD5 hasher is for this process only).
    hasher = PBKDF2PasswordHasher()
    facilitator.password = hasher.encode(PASSWORD, hasher.salt())
    facilitator.save(update_fields=["password"])

    url, _ = database_url(tmp_path)
    ports = [free_port() for _ in range(2)]
    # One environment for both servers (same secret key, so a session or CSRF token from one is good on the other,
    # and the same public address, as behind a load balancer), built exactly as the crawl test builds it.
    environment = production_settings(tmp_path, url, ports[0])
    prefix = f"ea-portal-two-servers-{secrets.token_hex(6)}"
    bucket = new_bucket(s3_server)
    environment.update(
        DJANGO_CACHE_URL=REDIS_URL,
        DJANGO_CACHE_KEY_PREFIX=prefix,
        DJANGO_FAQ_QUESTION_RATE=FAQ_QUESTION_RATE,
        **s3_environment(s3_server, bucket),
    )
    mail_file = tmp_path / "mail.txt"
    worker_environment = {
        **environment,
        "DJANGO_SETTINGS_MODULE": "tests.recording_mail_settings",
        "RECORDING_MAIL_FILE": str(mail_file),
    }
    logs = [tmp_path / "server1.log", tmp_path / "server2.log", tmp_path / "worker.log"]
    try:
        with (
            running_gunicorn(environment, ports[0], logs[0], *own_control_socket(tmp_path, 1)),
            running_gunicorn(environment, ports[1], logs[1], *own_control_socket(tmp_path, 2)),
            running_worker(worker_environment, logs[2]),
        ):
            yield {
                "ports": ports,
                "bucket": bucket,
                "s3": s3_server,
                "mail_file": mail_file,
                "media_root": tmp_path / "media",
                "logs": logs,
            }
    finally:
        keys = list(redis_client.scan_iter(match=f"{prefix}:*"))
        if keys:
            redis_client.delete(*keys)
        redis_client.close()


def test_two_servers_share_uploads_rate_limits_and_one_worker_sends_each_newsletter_once(
    portal, facilitator, audience, capsys
):
    port1, port2 = portal["ports"]
    logs = portal["logs"]

    # 1. A facilitator uploads a resource through server 1 (the real log-in form and upload form) and publishes it.
    staff = Browser(port1)
    staff.log_in(facilitator.username)
    staff.request("GET", "/resources/new/")
    response, content = post_multipart(
        staff,
        "/resources/new/",
        [("title", "Two-server toolkit"), ("kind", "tool")],
        {"file": ("Two-server toolkit.pdf", PDF_BYTES, "application/pdf")},
    )
    resource_path = redirected_path(response, content, "the upload")
    resource = Resource.objects.get(title="Two-server toolkit")
    assert resource_path == resource.get_absolute_url()
    keys = [item["Key"] for item in s3_client(portal["s3"]).list_objects_v2(Bucket=portal["bucket"])["Contents"]]
    assert keys == [resource.file.name]  # in the shared bucket ...
    assert not any(path.is_file() for path in portal["media_root"].rglob("*"))  # ... not on server 1's disk
    response, content = post_form(staff, f"{resource_path}publish/", [("action", "publish")])
    redirected_path(response, content, "publishing the resource")

    # 2. A visitor downloads it through server 2: the same bytes, counted once, and server 1 shows the count.
    visitor = Browser(port2)
    response, content = visitor.request("GET", f"{resource_path}download/")
    assert response.status == 200, (response.status, content[:500])
    assert content == PDF_BYTES
    resource.refresh_from_db()
    assert resource.download_count == 1
    page = staff.request("GET", resource_path)[1].decode()
    assert "Downloaded 1 time." in page

    # 3. The FAQ question limit (2 a day per client) reached on server 1 holds on server 2, which has not yet
    # seen a question from this client: the counter is in the shared Redis, not in either server's memory.
    asker1, asker2 = Browser(port1), Browser(port2)
    statuses1 = [ask_question(asker1, number) for number in range(3)]
    assert statuses1 == [302, 302, 429]
    assert ask_question(asker2, 3) == 429

    # 4. A newsletter issue written, published and sent through server 1's pages, delivered by the one worker.
    scrutiny = audience["scrutiny"]
    response, content = post_form(
        staff,
        "/newsletter/archive/new/",
        [("subject", "Two-server update"), ("body", "Learning from **the Early Adopters**."), ("themes", scrutiny.pk)],
    )
    issue_path = redirected_path(response, content, "saving the issue")
    issue = NewsletterIssue.objects.get(subject="Two-server update")
    assert issue_path == issue.get_absolute_url()
    redirected_path(*post_form(staff, f"{issue_path}publish/", [("action", "publish")]), "publishing the issue")
    page = staff.request("GET", issue_path)[1].decode()
    expected = Counter(subscriber.email for subscriber in audience["matching"])
    assert f"Subscribers interested in {scrutiny.name} or in every theme: {len(expected)}" in page
    redirected_path(*post_form(staff, f"{issue_path}send/", [("audience", "themes")]), "sending the issue")

    # The facilitator follows the progress from server 2 (the session is in the shared database).
    progress = Browser(port2)
    progress.cookies = dict(staff.cookies)

    def send_is_done():
        response, content = progress.request("GET", f"{issue_path}send/progress/")
        assert response.status == 200, (response.status, content[:500])
        return json.loads(content)["done"]

    wait_until(send_is_done, "the worker finishing the newsletter send", logs)
    messages = [address for address, subject in recorded(portal["mail_file"]) if subject == issue.subject]
    delivered = Counter(messages)
    duplicates = sum(count - 1 for count in delivered.values())
    with capsys.disabled():
        print(
            f"\ntwo servers: downloads counted {resource.download_count}; newsletter messages delivered "
            f"{len(messages)} to {len(delivered)} subscribers (expected {len(expected)}); duplicates {duplicates}"
        )
    assert delivered == expected  # each confirmed subscriber interested in the theme or in every theme, once
    assert duplicates == 0
    page = staff.request("GET", issue_path)[1].decode()
    assert f"{len(expected)} of {len(expected)} sent, 0 refused by the mail server" in page
    # A second send from server 2 is refused: it can never be sent twice.
    other = Browser(port2)
    other.cookies = dict(staff.cookies)
    other.request("GET", issue_path)
    response, _ = post_form(other, f"{issue_path}send/", [("audience", "all")])
    assert response.status == 302
    assert "it cannot be sent twice" in other.request("GET", issue_path)[1].decode()
