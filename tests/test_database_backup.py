"""The README's database backup and restore, performed for real on PostgreSQL.

The test database (its rows committed) is dumped with `pg_dump --format=custom`, restored with `createdb` and
`pg_restore` into a fresh database, and the portal is then pointed at the restored database: its migrations are
all there, Django's checks pass, and it holds the same learning examples, resources and subscribers, found by the
portal's own search page. The restored database is dropped afterwards.
"""

import json
import os
import secrets
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from learning.models import LearningExample
from resources.models import Resource, Subscriber, SubscriberStatus
from tests.search_data import make_published_example, make_resource
from tests.test_newsletter_send import make_subscriber
from tests.test_production_crawl import ROOT

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_dump and pg_restore back up PostgreSQL: run with DATABASE_URL pointing at PostgreSQL (CI does)",
    ),
]

# What the restored portal reports about itself: row counts, and what its search page finds.
REPORT = """
import json
from django.test import Client
from learning.models import LearningExample
from resources.models import Resource, Subscriber
page = Client().get("/search/", {"q": "mongoose"}, HTTP_HOST="localhost").content.decode()
print(json.dumps({
    "examples": sorted(LearningExample.objects.values_list("slug", "state")),
    "resources": sorted(Resource.objects.values_list("slug", "published")),
    "subscribers": sorted(Subscriber.objects.values_list("email", "status")),
    "found": "Mongoose panels" in page,
}))
"""


def run(command, environment=None):
    result = subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def url_for(settings, name):
    user = quote(settings["USER"], safe="")
    password = quote(settings["PASSWORD"], safe="")
    return f"postgres://{user}:{password}@{settings['HOST']}:{settings['PORT']}/{name}"


def test_a_dump_restored_into_a_fresh_database_is_the_same_portal(tmp_path, partnership_a):
    make_published_example("Mongoose panels", partnership_a)
    make_published_example("Multi-agency audits", partnership_a)
    make_resource("Scrutiny toolkit")
    make_resource("Draft checklist", published=False)
    make_subscriber("reader@example.org")
    make_subscriber("pending@example.org", status=SubscriberStatus.PENDING)
    expected = {
        "examples": sorted(LearningExample.objects.values_list("slug", "state")),
        "resources": sorted(Resource.objects.values_list("slug", "published")),
        "subscribers": sorted(Subscriber.objects.values_list("email", "status")),
        "found": True,
    }
    assert len(expected["examples"]) >= 2 and len(expected["subscribers"]) == 2

    settings = connection.settings_dict
    assert settings["NAME"].startswith("test_"), settings["NAME"]  # never the database DATABASE_URL names
    source_url = url_for(settings, settings["NAME"])
    restored = f"{settings['NAME']}_restored_{secrets.token_hex(4)}"
    restored_url = url_for(settings, restored)
    dump = tmp_path / f"ea_portal-{timezone.now():%Y-%m-%d}.dump"
    # createdb and dropdb take the server and role as options; the password comes from the environment.
    tools = {**os.environ, "PGPASSWORD": settings["PASSWORD"]}
    server = [f"--host={settings['HOST']}", f"--port={settings['PORT']}", f"--username={settings['USER']}"]

    # As the README's production section says, word for word but for the addresses.
    run(["pg_dump", "--format=custom", f"--file={dump}", source_url])
    try:
        run(["createdb", *server, restored], tools)
        run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_url}", str(dump)])

        portal = {
            key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DATABASE_CONN_MAX_AGE"}
        }
        portal.update(DATABASE_URL=restored_url, DATABASE_CONN_MAX_AGE="0")
        manage = [sys.executable, "manage.py"]
        run([*manage, "migrate", "--check"], portal)  # every migration is recorded as applied
        run([*manage, "check", "--database", "default"], portal)
        report = json.loads(run([*manage, "shell", "-c", REPORT], portal).strip().splitlines()[-1])
    finally:
        run(["dropdb", *server, "--if-exists", restored], tools)

    # JSON turns the tuples into lists.
    assert report == json.loads(json.dumps(expected))
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from pg_database where datname = %s", [restored])
        assert cursor.fetchone() == (0,)  # dropped again
