"""``/healthz``: is this app server able to serve pages right now?

Load balancers, orchestrators and uptime monitors poll it. It checks what a page needs — the
database answers a query, the cache stores and returns a value — and says so in JSON. Only
what stops the server from serving fails it: without the database it answers 503, so the
instance is taken out of rotation. Without the cache every page still renders from the
database (slower), so the answer stays 200 with ``"status": "degraded"`` and the cache named
under ``"degraded"`` — pulling every server out of service because Redis is away would turn
a slow site into no site. ``/healthz/ready`` is the strict readiness detail for deploy
pipelines and alerts: 503 unless every dependency works.

It never caches, never needs a session, and names only the kind of error (the details go to
the log: connection strings and host names are not for the public).
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("newsroom.availability")

OK = "ok"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: database failed: %s", error)
        return f"error: {type(error).__name__}"
    return OK


def check_cache() -> str:
    key = f"healthz:{secrets.token_hex(8)}"
    token = secrets.token_hex(8)
    try:
        cache.set(key, token, timeout=10)
        stored = cache.get(key)
        cache.delete(key)
    except Exception as error:  # any backend (Redis, memcached…) raises its own errors
        logger.error("Health check: cache failed: %s", error)
        return f"error: {type(error).__name__}"
    if stored != token:
        logger.error("Health check: cache did not return the value it was given")
        return "error: value not stored"
    return OK


# Without these the server cannot serve at all; without the others it serves more slowly.
REQUIRED = {"database"}


def _report() -> dict:
    checks = {"database": check_database(), "cache": check_cache()}
    failed = sorted(name for name, result in checks.items() if result != OK)
    if REQUIRED.intersection(failed):
        status = "unavailable"
    elif failed:
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "checks": checks, "degraded": failed}


@never_cache
@require_safe
def healthz(request):
    """Can this server serve? 200 when it can (even degraded), 503 when it cannot."""
    report = _report()
    return JsonResponse(report, status=503 if report["status"] == "unavailable" else 200)


@never_cache
@require_safe
def ready(request):
    """Is every dependency working? 503 as soon as any one is not (not for load balancers)."""
    report = _report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
