"""Reading settings from the environment: the parsing ``newsroom/settings.py`` repeats.

Pure functions of their arguments and ``os.environ``; they import no app, so settings can
use them before anything is loaded. The values themselves stay in settings.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _parse(url: str) -> dict:
    """A database URL as Django's settings, with health-checked persistent connections."""
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
    config["CONN_HEALTH_CHECKS"] = True
    return config


def databases(url: str, replica_url: str, var_dir: Path) -> dict:
    """``DATABASES``: ``url`` (PostgreSQL in production) or SQLite under ``var_dir``, plus an
    optional read replica that mirrors the primary in tests."""
    if url:
        found = {"default": _parse(url)}
    else:
        var_dir.mkdir(parents=True, exist_ok=True)
        found = {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": var_dir / "db.sqlite3",
                "OPTIONS": {
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                },
            }
        }
    if replica_url:
        found["replica"] = {**_parse(replica_url), "TEST": {"MIRROR": "default"}}
    return found


def s3_storages(bucket: str) -> dict:
    """Media on S3-compatible object storage (django-storages): public renditions, and the
    originals in the same bucket under a private prefix.

    Public media get plain URLs (no expiring signatures), through the CDN if one is given — a
    custom domain also saves signing a URL for every image on a page. Originals get a private
    ACL and are reached only through short-lived signed URLs (the admin's link), never through
    the CDN's domain; the bucket policy must not make their prefix public (docs/deploy.md).
    """
    public = {
        "bucket_name": bucket,
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
        "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
        "url_protocol": os.environ.get("AWS_S3_URL_PROTOCOL", "https:"),
        "querystring_auth": False,
        "default_acl": os.environ.get("AWS_DEFAULT_ACL") or None,
        "file_overwrite": False,
        "location": os.environ.get("AWS_LOCATION", ""),
        "object_parameters": {
            "CacheControl": os.environ.get("AWS_S3_CACHE_CONTROL", "public, max-age=86400")
        },
    }
    private = {
        **public,
        "custom_domain": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "default_acl": "private",
        "location": os.environ.get("AWS_PRIVATE_LOCATION", "private"),
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    backend = "storages.backends.s3.S3Storage"
    return {
        "default": {"BACKEND": backend, "OPTIONS": public},
        "originals": {"BACKEND": backend, "OPTIONS": private},
    }
