"""Does a page's answer time tell whether an address has an account or a subscription? Time password reset and
newsletter sign-up for known and unknown addresses, up to the moment the response is ready to go (mail is a
task the worker sends, see ea_portal/mail.py), with a mail server that takes --mail-ms to accept each message.

Run against a scratch database (it adds a user and subscribers):

    export DATABASE_URL=sqlite:////tmp/ea_portal_bench.sqlite3
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/mail_timing.py --rounds 30 --mail-ms 300
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ea_portal.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.mail.backends.base import BaseEmailBackend  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from resources.models import Subscriber, SubscriberStatus  # noqa: E402

READY = {}
MAIL_SECONDS = 0.0


class SlowMailServer(BaseEmailBackend):
    def send_messages(self, messages):
        time.sleep(MAIL_SECONDS)
        return len(messages)


class ResponseReady:
    """Outermost middleware: the moment the response is ready to be written to the client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        READY["at"] = time.perf_counter()
        return response


def time_to_response(client, url, data):
    cache.clear()  # the sign-up rate limit would otherwise answer instead of the view
    start = time.perf_counter()
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.status_code)
    return (READY["at"] - start) * 1000


def main():
    global MAIL_SECONDS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--mail-ms", type=int, default=300)
    args = parser.parse_args()
    MAIL_SECONDS = args.mail_ms / 1000

    setup_test_environment()
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.SlowMailServer"}}
    settings.MIDDLEWARE = [f"{__name__}.ResponseReady", *settings.MIDDLEWARE]
    get_user_model().objects.get_or_create(username="bench-known", defaults={"email": "known@example.org"})
    Subscriber.objects.get_or_create(
        email="known@example.org",
        defaults={
            "status": SubscriberStatus.CONFIRMED,
            "consent_text": "Benchmark",
            "consented_at": timezone.now(),
            "confirmed_at": timezone.now(),
        },
    )
    client = Client()
    cases = {
        "password reset, known address": ("/accounts/password_reset/", {"email": "known@example.org"}),
        "password reset, unknown address": ("/accounts/password_reset/", {"email": "unknown@example.org"}),
        "sign-up, new address": ("/newsletter/", None),
        "sign-up, confirmed subscriber": ("/newsletter/", {"email": "known@example.org", "consent": "on"}),
    }
    for label, (url, data) in cases.items():
        times = []
        for number in range(args.rounds):
            payload = data or {"email": f"new-{time.time_ns()}-{number}@example.org", "consent": "on"}
            times.append(time_to_response(client, url, payload))
        times.sort()
        print(
            f"{label:34} median {statistics.median(times):6.1f} ms   "
            f"90th percentile {times[int(len(times) * 0.9) - 1]:6.1f} ms   (n={len(times)})"
        )


if __name__ == "__main__":
    main()
