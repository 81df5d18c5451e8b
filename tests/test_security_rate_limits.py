"""Rate limits count per client behind a proxy, never fail on a bad header, and hold across worker processes.

The client address is the entry our own proxies appended to X-Forwarded-For (ea_portal.client_address): what a
client writes there itself changes nothing. The counters live in the shared cache (DJANGO_CACHE_URL, Redis).
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from ea_portal.client_address import UNKNOWN, client_ip
from resources.models import FAQ

ROOT = Path(__file__).resolve().parent.parent
ASK_URL = reverse("resources:faq_ask")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    settings.FAQ_QUESTION_RATE = "5/h"
    cache.clear()
    yield
    cache.clear()


def address(remote="10.0.0.2", forwarded=None, proxies=1, settings=None):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        ("198.51.100.1", 1, "198.51.100.1"),
        # An appending proxy: whatever the client claimed, then the address our proxy saw.
        ("203.0.113.66, 198.51.100.1", 1, "198.51.100.1"),
        # Two proxies of ours (a load balancer, then nginx): the client is second from the right.
        ("203.0.113.66, 198.51.100.1, 10.0.0.1", 2, "198.51.100.1"),
        ("2001:db8::1", 1, "2001:db8::1"),
        # Missing, empty, garbage or too short for the proxies configured: the connection's own address.
        (None, 1, "10.0.0.2"),
        ("", 1, "10.0.0.2"),
        ("garbage", 1, "10.0.0.2"),
        ("198.51.100.1, <script>", 1, "10.0.0.2"),
        ("198.51.100.1", 2, "10.0.0.2"),
        (", ,", 1, "10.0.0.2"),
        # With no proxy configured the header is not trusted at all.
        ("198.51.100.1", 0, "10.0.0.2"),
    ],
)
def test_client_address_is_the_entry_our_proxies_appended(forwarded, proxies, expected, settings):
    assert address(forwarded=forwarded, proxies=proxies, settings=settings) == expected


def test_no_usable_address_at_all_is_still_an_address(settings):
    assert address(remote="", forwarded="nonsense", settings=settings) == UNKNOWN


def ask(client, number, **meta):
    return client.post(ASK_URL, {"question": f"Question number {number}?"}, **meta)


@pytest.mark.parametrize("forwarded", [None, "198.51.100.1, 10.0.0.2", "garbage", "", "1.2.3.4.5", "\x00"])
def test_bad_or_missing_forwarded_header_never_fails(client, programme, settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    meta = {"REMOTE_ADDR": "10.0.0.2"}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert ask(client, 1, **meta).status_code == 302


def test_changing_the_header_does_not_escape_the_limit(client, programme, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    statuses = [
        ask(
            client, number, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}, 198.51.100.7"
        ).status_code
        for number in range(12)
    ]
    assert statuses == [302] * 5 + [429] * 7
    assert FAQ.objects.count() == 5
    # Another client behind the same proxy has its own allowance.
    assert ask(client, 99, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302


def test_without_a_proxy_a_made_up_header_changes_nothing(client, programme, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [
        ask(client, number, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}").status_code
        for number in range(6)
    ]
    assert statuses == [302] * 5 + [429]


def settings_in_a_new_process(**env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(DJANGO_DEBUG="true", **env)
    code = "import django, json; django.setup(); from django.conf import settings; print(json.dumps(settings.CACHES))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "ea_portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cache_url_selects_djangos_redis_cache_and_local_memory_otherwise():
    result = settings_in_a_new_process(DJANGO_CACHE_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    cache_settings = json.loads(result.stdout)["default"]
    assert cache_settings["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache_settings["LOCATION"] == "redis://127.0.0.1:6379/3"
    result = settings_in_a_new_process()
    assert json.loads(result.stdout)["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    result = settings_in_a_new_process(DJANGO_CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0 and "DJANGO_CACHE_URL must be a Redis address" in result.stderr


def test_the_old_header_setting_refuses_to_start_rather_than_trust_any_header():
    result = settings_in_a_new_process(DJANGO_RATELIMIT_IP_META_KEY="HTTP_X_FORWARDED_FOR")
    assert result.returncode != 0 and "DJANGO_TRUSTED_PROXY_COUNT" in result.stderr


# Two worker processes ------------------------------------------------------------------------------------

WORKER = """
import json, os, sys
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client

client, worker, count = Client(), sys.argv[1], int(sys.argv[2])
statuses = []
for number in range(count):
    # The same client each time, claiming a different address in the part of the header it controls.
    response = client.post(
        "/faqs/ask/",
        {"question": f"Question {number} from worker {worker}?"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=f"203.0.113.{number}, 198.51.100.7",
    )
    statuses.append(response.status_code)
print(json.dumps(statuses))
"""


def redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        message = f"Redis is not reachable at {REDIS_URL} ({error}); set TEST_REDIS_URL to run this test."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " Under CI=true it is required.")
        pytest.skip(message)
    return redis.Redis.from_url(REDIS_URL)


def test_the_limit_holds_across_two_processes_sharing_redis(tmp_path):
    redis_client = redis_or_skip()
    prefix = f"ea-portal-test-{uuid.uuid4().hex}"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="ea_portal.settings",
        DJANGO_DEBUG="true",
        DJANGO_CACHE_URL=REDIS_URL,
        DJANGO_CACHE_KEY_PREFIX=prefix,
        DJANGO_TRUSTED_PROXY_COUNT="1",
        DJANGO_FAQ_QUESTION_RATE="5/h",
        # The processes share a database of their own (the test's database is inside an open transaction).
        DATABASE_URL=f"sqlite:///{tmp_path / 'workers.sqlite3'}",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=environment, check=True, timeout=300)
    try:
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, name, "5"],
                cwd=ROOT,
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in ("one", "two")
        ]
        results = []
        for worker in workers:
            stdout, stderr = worker.communicate(timeout=300)
            assert worker.returncode == 0, stderr
            results.append(json.loads(stdout.strip().splitlines()[-1]))
    finally:
        for key in redis_client.scan_iter(f"{prefix}:*"):
            redis_client.delete(key)
    statuses = results[0] + results[1]
    # Ten questions from one client through two processes: five get through, as with one process.
    assert sorted(statuses) == [302] * 5 + [429] * 5, results
