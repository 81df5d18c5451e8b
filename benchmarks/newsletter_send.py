"""Sending a newsletter at scale: make --subscribers confirmed subscribers, send an issue to them all with the
local-memory mail backend, and print how long each batch takes at the start and at the end of the send (paging
through recipients by id, it should stay flat however many have been sent already).

Run against a scratch database (never a real one: it adds thousands of made-up subscribers):

    createdb ea_portal_bench
    export DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/ea_portal_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/newsletter_send.py --subscribers 5000

Without DATABASE_URL it uses the SQLite file under var/. Each run sends a fresh issue.
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
from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from resources.forms import consent_statement  # noqa: E402
from resources.models import NewsletterIssue, Subscriber, SubscriberStatus  # noqa: E402
from resources.newsletter import create_send, send_batch  # noqa: E402

EMAIL_PREFIX = "benchmark-reader-"


def top_up_subscribers(count):
    have = Subscriber.objects.filter(email__startswith=EMAIL_PREFIX).count()
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"{EMAIL_PREFIX}{number}@example.org",
            status=SubscriberStatus.CONFIRMED,
            consent_text=consent_statement(),
            consented_at=now,
            confirmed_at=now,
        )
        for number in range(have, count)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=100)
    options = parser.parse_args()

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    top_up_subscribers(options.subscribers)
    slug = f"benchmark-{get_random_string(8).lower()}"
    issue = NewsletterIssue.objects.create(
        subject="Benchmark issue",
        slug=slug,
        body="Learning from the [EA theme matrix](/matrix/).\n\n- one\n- two",
        published_at=timezone.now(),
    )
    send = create_send(issue, send_to_all=True)
    print(f"{send.total} recipients, batches of {options.batch_size} ({connection.vendor})")

    timings, cpu = [], []
    started = time.perf_counter()
    while True:
        before, before_cpu = time.perf_counter(), time.process_time()
        more = send_batch(send, options.batch_size)
        timings.append(time.perf_counter() - before)
        cpu.append(time.process_time() - before_cpu)
        if not more:
            break
    total = time.perf_counter() - started
    mail.outbox = []

    print(f"{len(timings)} batches in {total:.1f} s ({total / max(send.total, 1) * 1000:.2f} ms per message)")
    # Wall time includes waiting for the disk and for other processes; this process's CPU time is steadier.
    for name, values in (("wall", timings), ("CPU", cpu)):
        first, last = values[:5], values[-6:-1] or values[-5:]
        print(
            f"{name} time per batch: first 5 median {statistics.median(first) * 1000:.0f} ms, "
            f"last 5 full median {statistics.median(last) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
