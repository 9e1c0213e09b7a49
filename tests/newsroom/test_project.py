"""Project-level checks: migrations committed, system checks clean, settings from the env."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_migrations_are_committed():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db  # the demo-password check (newsroom/checks.py) reads the user table
def test_system_checks_pass():
    call_command("check", fail_level="WARNING")


def _settings_probe(env: dict, code: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update({"DJANGO_SETTINGS_MODULE": "newsroom.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _settings_probe({"DEBUG": "false", "SECRET_KEY": "", "ALLOWED_HOSTS": "x.org"}, "")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_weak_secret_key():
    result = _settings_probe(
        {"DEBUG": "false", "SECRET_KEY": "django-insecure-abc", "ALLOWED_HOSTS": "x.org"}, ""
    )
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_development_defaults_need_no_variables():
    result = _settings_probe(
        {"DEBUG": "", "SECRET_KEY": ""},
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'])",
    )
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout
    assert "LocMemCache" in result.stdout


def test_database_and_redis_urls_are_read():
    result = _settings_probe(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/somedb",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        },
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], settings.CACHES['default']['LOCATION'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "somedb",
        "redis://127.0.0.1:6379/3",
    ]
