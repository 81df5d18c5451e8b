"""/healthz and /readyz for a load balancer: never cached, /readyz names the check that failed."""

import logging
import time

import pytest
from django.db import OperationalError

from ea_portal import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    # The process is alive even when the database is not: no query at all.
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readyz_checks_database_cache_and_storage(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "storage": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readyz_names_the_failed_check(client, monkeypatch):
    def down():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == "failed: OperationalError"
    assert body["checks"]["cache"] == "ok"


def test_readyz_does_not_wait_for_a_hung_check(client, monkeypatch, settings):
    settings.READINESS_TIMEOUT_SECONDS = 0.2
    release = []

    def hung():
        # Stands in for a cache server that accepts the connection and never answers.
        while not release:
            time.sleep(0.01)

    monkeypatch.setitem(health.CHECKS, "cache", hung)
    try:
        response = client.get("/readyz")
    finally:
        release.append(True)
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert response.json()["checks"]["cache"] == "timed out after 0.2 s"


def test_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/resources/").status_code == 301


def test_the_log_filter_drops_probe_records_only(rf):
    keep = health.SkipHealthChecks()

    def record(path=None, request_line=None):
        entry = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "%s", (request_line,), None)
        if path is not None:
            entry.request = rf.get(path)
        return entry

    assert not keep.filter(record(path="/readyz"))
    assert keep.filter(record(path="/resources/"))
    # django.server (runserver) puts the request line in the arguments instead.
    assert not keep.filter(record(request_line="GET /healthz HTTP/1.1"))
    assert keep.filter(record(request_line="GET /learning/ HTTP/1.1"))


def test_the_portal_log_is_configured_with_the_filter(settings):
    assert "skip_health_checks" in settings.LOGGING["handlers"]["console"]["filters"]


def test_probes_still_obey_allowed_hosts(client):
    # A load balancer must send a Host header the portal accepts; any other gets a 400, like every page.
    assert client.get("/healthz", HTTP_HOST="10.0.0.5").status_code == 400
    assert client.get("/healthz", HTTP_HOST="localhost").status_code == 200
