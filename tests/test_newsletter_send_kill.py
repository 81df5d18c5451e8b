"""send_newsletter killed with SIGKILL at a random moment, then rerun: at most the one message it was handing to
the mail server is in doubt, nobody else is sent it twice, and nobody is missed.

The command runs in a real process against the test database (committed: PostgreSQL when DATABASE_URL is set,
else a copy of the SQLite test database in a file) and a mail backend that records each message in a file.
"""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.utils import timezone

from resources.forms import consent_statement
from resources.models import NewsletterIssue, Subscriber, SubscriberStatus

BASE_DIR = Path(__file__).resolve().parent.parent
SUBSCRIBERS = 60
DELAY = 0.03  # seconds per message, so the kill lands part-way through


def subprocess_database_url(tmp_path):
    """A DATABASE_URL for the other process naming this test's database, with everything made so far in it."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        url = urlsplit(os.environ["DATABASE_URL"])
        return urlunsplit(url._replace(path=f"/{name}")), None
    path = tmp_path / "db.sqlite3"
    copy = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(copy)
    copy.close()
    return f"sqlite:///{path}", path


def in_doubt_emails(sqlite_path):
    """Subscribers whose message was claimed and never recorded, read from the database the commands used."""
    query = (
        "SELECT s.email FROM resources_newsletterdelivery d JOIN resources_subscriber s ON s.id = d.subscriber_id "
        "WHERE d.status = 'sending'"
    )
    if sqlite_path is None:
        with connection.cursor() as cursor:
            cursor.execute(query)
            return {row[0] for row in cursor.fetchall()}
    with sqlite3.connect(sqlite_path) as database:
        return {row[0] for row in database.execute(query)}


def recorded(path):
    if not path.exists():
        return Counter()
    return Counter(line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines() if line)


@pytest.mark.django_db(transaction=True)
def test_a_send_killed_at_a_random_moment_and_rerun_has_at_most_one_in_doubt(tmp_path):
    expected = set()
    for number in range(SUBSCRIBERS):
        subscriber = Subscriber.objects.create(
            email=f"reader{number}@example.org",
            status=SubscriberStatus.CONFIRMED,
            consent_text=consent_statement(),
            consented_at=timezone.now(),
        )
        expected.add(subscriber.email)
    NewsletterIssue.objects.create(
        subject="Autumn update", slug="autumn-update", body="News.", published_at=timezone.now()
    )

    database_url, sqlite_path = subprocess_database_url(tmp_path)
    mail_file = tmp_path / "sent.txt"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tests.recording_mail_settings",
        "RECORDING_MAIL_FILE": str(mail_file),
        "RECORDING_MAIL_DELAY": str(DELAY),
    }
    command = [sys.executable, "manage.py", "send_newsletter", "autumn-update", "--batch-size", "7"]

    kill_after = random.randint(3, SUBSCRIBERS - 10)
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while sum(recorded(mail_file).values()) < kill_after and process.poll() is None and time.monotonic() < deadline:
        time.sleep(DELAY / 5)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    at_kill = recorded(mail_file)
    context = f"killed after {kill_after} messages ({sum(at_kill.values())} recorded)"
    assert 0 < sum(at_kill.values()) < SUBSCRIBERS, context

    rerun = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=True)
    delivered = recorded(mail_file)
    in_doubt = in_doubt_emails(sqlite_path)
    duplicates = {email: count for email, count in delivered.items() if count > 1}
    missed = expected - set(delivered)
    assert not duplicates, context
    assert len(in_doubt) <= 1, context
    assert missed <= in_doubt, context  # only a message in doubt can be missing
    if in_doubt:
        assert "1 message(s) were being handed to the mail server" in rerun.stdout

    retry = [*command, "--retry-in-doubt"]
    subprocess.run(retry, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=True)
    delivered = recorded(mail_file)
    assert set(delivered) == expected, context  # nobody missed
    assert sum(delivered.values()) - len(expected) <= len(in_doubt), context  # at most the one in doubt twice
    assert not in_doubt_emails(sqlite_path)
