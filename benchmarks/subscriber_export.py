"""The admin's subscriber CSV export at scale: load N subscribers (default 100,000, each with a few themes) into a
scratch PostgreSQL database, then time the whole export through the admin view and print its size.

Run against a scratch database (never a real one: it adds made-up subscribers, removed again at the end):

    export DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/ea_portal_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/subscriber_export.py --subscribers 100000

gunicorn's --timeout (README, Production) must stay well above the time printed here.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ea_portal.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from partnerships import programme_data  # noqa: E402
from partnerships.models import Theme  # noqa: E402
from resources.forms import consent_statement  # noqa: E402
from resources.models import Subscriber, SubscriberStatus  # noqa: E402

DOMAIN = "export-benchmark.invalid"


def load(count):
    programme_data.load()
    themes = list(Theme.objects.all())
    now = timezone.now()
    existing = Subscriber.objects.filter(email__endswith=DOMAIN).count()
    batch = 5000
    for start in range(existing, count, batch):
        created = Subscriber.objects.bulk_create(
            Subscriber(
                email=f"person{number}@{DOMAIN}",
                name=f"Person {number}",
                organisation="A children's services department",
                status=SubscriberStatus.CONFIRMED,
                consent_text=consent_statement(),
                consented_at=now,
                confirmed_at=now,
            )
            for number in range(start, min(start + batch, count))
        )
        Subscriber.themes.through.objects.bulk_create(
            Subscriber.themes.through(subscriber_id=subscriber.pk, theme_id=themes[(subscriber.pk + k) % 11].pk)
            for subscriber in created
            for k in range(subscriber.pk % 4)
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="leave the made-up subscribers in the database")
    args = parser.parse_args()
    load(args.subscribers)
    setup_test_environment()
    admin, _ = get_user_model().objects.get_or_create(
        username="export-benchmark-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(admin)
    try:
        started = time.perf_counter()
        response = client.get(reverse("admin:resources_subscriber_export"))
        first = None
        size = lines = 0
        for chunk in response.streaming_content:
            if first is None:
                first = time.perf_counter() - started
            size += len(chunk)
            lines += chunk.count(b"\n")
        total = time.perf_counter() - started
        print(f"subscribers in the database: {Subscriber.objects.count():,}")
        print(f"export: {lines:,} lines, {size / 1e6:.1f} MB; first bytes after {first * 1000:.0f} ms")
        print(f"whole export: {total:.2f} s ({lines / total:,.0f} lines/s)")
    finally:
        admin.delete()
        if not args.keep:
            Subscriber.objects.filter(email__endswith=DOMAIN).delete()


if __name__ == "__main__":
    main()
