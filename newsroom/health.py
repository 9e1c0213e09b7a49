"""``/healthz``: is this app server able to serve pages right now?

Load balancers, orchestrators and uptime monitors poll it. It checks what a page needs — the
database answers a query, the cache stores and returns a value — and says so in JSON with
200, or 503 when anything fails, so a broken instance is taken out of rotation. It never
caches, never needs a session, and names only the kind of error (the details go to the log:
connection strings and host names are not for the public).
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


@never_cache
@require_safe
def healthz(request):
    checks = {"database": check_database(), "cache": check_cache()}
    healthy = all(result == OK for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
