"""Whether a request may read from the replica: the page cache's half of the replica router.

``newsroom.db_router`` sends reads where the current request allows; this module decides
per request. It lives with the page cache because the decision needs the cache's own
knowledge: what counts as a plain public read (the same rule as a cacheable request) and
when content last changed, for the lag window after each change (see newsroom/db_router.py).
"""

from __future__ import annotations

from django.conf import settings

from caching import cache, middleware
from newsroom import db_router


def is_public_read(request, now: float | None = None) -> bool:
    """Whether this request may read from the replica."""
    if request.method not in cache.SAFE_METHODS:
        return False
    if middleware.is_excluded_path(request.path_info) or middleware.may_be_private(request):
        return False
    changed_at = getattr(request, "content_changed_at", None)
    if changed_at is None:
        changed_at = cache.content_changed_at()
    if changed_at is None:
        return True
    now = cache.now_ts() if now is None else now
    return now - changed_at >= settings.DATABASE_REPLICA_LAG_SECONDS


class ReplicaMiddleware:
    """Decide, per request, whether reads may go to the replica (see the module docstring).

    Goes after PageCacheMiddleware (which tells it when content last changed) and before
    everything that reads the database. A no-op without ``DATABASE_REPLICA_URL``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not db_router.replica_configured():
            return self.get_response(request)
        with db_router.replica_reads(is_public_read(request)):
            return self.get_response(request)
