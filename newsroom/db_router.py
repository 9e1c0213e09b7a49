"""Read replica: public reads go to ``DATABASE_REPLICA_URL``, everything else to the primary.

Why it is built this way:

- **Opt-in per request, primary by default.** Only a request that the middleware judged a
  plain public read (a safe method, no session cookie, not the admin) may read from the
  replica. Management commands, the shell, editors and anything outside a request read the
  primary, so an editor never reads a stale copy of what they just saved.
- **Read-your-writes inside a request.** The first write in a request switches the rest of
  that request's reads to the primary.
- **A lag window after each change.** For ``DATABASE_REPLICA_LAG_SECONDS`` after any
  content change, public reads also go to the primary: the page cache stores what a request
  renders under the new content generation, and a page rendered from a replica that has not
  caught up yet would otherwise stay in the cache until the next change. The page cache
  knows when content changed, so the per-request decision lives with it
  (``caching.replica.ReplicaMiddleware``); this module only routes.
- A ``ContextVar`` (not a thread-local) carries the decision, so it is right under threaded
  and async servers alike, and it is reset when the request ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA_DB_ALIAS = "replica"

_replica_allowed: ContextVar[bool] = ContextVar("newsroom_replica_allowed", default=False)


def replica_configured() -> bool:
    return REPLICA_DB_ALIAS in settings.DATABASES


def replica_allowed() -> bool:
    return _replica_allowed.get()


@contextmanager
def replica_reads(allowed: bool = True) -> Iterator[None]:
    """Let (or stop) reads in this block go to the replica; restores the previous choice."""
    token = _replica_allowed.set(allowed)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


def use_primary() -> None:
    """Send the rest of the current request's reads to the primary."""
    _replica_allowed.set(False)


class PrimaryReplicaRouter:
    """Reads on the replica when the current request allows it; writes on the primary."""

    def db_for_read(self, model, **hints):
        if _replica_allowed.get() and replica_configured():
            return REPLICA_DB_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        use_primary()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        databases = {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}
        return obj1._state.db in databases and obj2._state.db in databases

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
