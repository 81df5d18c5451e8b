"""The settings read the environment; production refuses to start without its secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "ea-portal.example.org",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
}


def test_production_without_secret_key_refuses_to_start():
    env = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = manage("check", DJANGO_DEBUG="false", DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"])
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    "storage",
    [
        {"DJANGO_MEDIA_ROOT": "/srv/ea-portal/media"},
        {
            "DJANGO_S3_BUCKET": "ea-portal-files",
            "DJANGO_S3_ENDPOINT_URL": "https://s3.example.org",
            "DJANGO_S3_ACCESS_KEY_ID": "key",
            "DJANGO_S3_SECRET_ACCESS_KEY": "secret",
            "DJANGO_S3_REGION": "eu-west-2",
        },
    ],
    ids=["local-disk", "s3"],
)
def test_check_deploy_prints_nothing_with_production_settings(tmp_path, storage):
    environment = {
        **PRODUCTION,
        **storage,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "DJANGO_PORTAL_BASE_URL": "https://ea-portal.example.org",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    result = manage("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert result.returncode == 0, result.stdout + result.stderr
    # Nothing but Django's own all-clear: no warning, and nothing on standard error.
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


def test_a_deployment_defaults_to_debug_off():
    # Naming hosts without saying DJANGO_DEBUG must not leave debug on.
    env = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_DEBUG"}
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", **env)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_local_run_needs_no_environment():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr
