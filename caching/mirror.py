"""Each process's copy of the tags' versions, kept in step by a log of invalidations.

Why it exists:

- **A check used to read every tag.** A stored page carries a hundred tags or more (its own
  and its parts'), and checking it read all their versions from Redis in one ``MGET``. That
  one read cost more than the rest of a hit (redis-py packs and parses every key: about
  half a millisecond for 120 keys), and after every invalidation every page paid it again,
  several times when a part had to be refreshed: in a working day, with an edit or a
  publication every few seconds, that read was most of the cost of serving readers.
- **Invalidations are few, pages are many.** So every delivered invalidation also writes the
  tags it invalidated to a log, under the epoch number it raised (caching/cache.py). A
  process keeps the versions it has read, notes the epoch they are good for and, when the
  epoch moves, reads the log entries in between and forgets the tags they name: once per
  process per invalidation, not once per page. A check then reads the epoch, the schedule
  and only the tags this process does not hold.
- **Never stale.** The copy is used only at the epoch it has caught up to. A log entry that
  is missing (expired, evicted, flushed, or — without Redis — not written yet) or an epoch
  that jumped drops the whole copy, and checks read the versions again, as without it.
  Versions read together with the epoch are kept only if the copy is still at that epoch;
  a version read at another moment serves its request and is not kept. With Redis the
  versions, the epoch and the log entry are written by one script, so nobody sees the new
  epoch before its entry (caching/cache.py, ``_deliver``).
- **One epoch read per request.** Within a request (``request_scope``), once the copy has
  caught up with the epoch that request read, the checks that follow (the fragments of a
  page being rendered, a page stored) take the versions the copy holds without asking again:
  as if the whole request had run at that moment. Whatever they store carries the versions
  read then, so an invalidation landing meanwhile still makes it stale afterwards.
- **Only where it saves a round trip.** With the state in this process's memory (tests,
  ``LocMemCache``) the versions are read directly, as before.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache

from newsroom.lru import BoundedLRU

LOG_KEY_PREFIX = "tags:log:"
# How long a log entry is kept: a process silent for longer reads every version again.
LOG_TIMEOUT = 3600
# A process further behind than this many invalidations starts again rather than read them.
MAX_GAP = 256


def log_key(epoch: int) -> str:
    return f"{LOG_KEY_PREFIX}{epoch}"


class _Scope:
    """The epoch (and the values read with it) one request has seen."""

    __slots__ = ("epoch", "values")

    def __init__(self):
        self.epoch = None
        self.values: dict[str, Any] = {}


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("mirror_scope", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    """One request: after its first read, checks use the copy at the epoch it read."""
    token = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(token)


class Mirror:
    """Tag versions this process has read, good for one epoch."""

    def __init__(self):
        self.versions = BoundedLRU(lambda: settings.PAGE_CACHE_TAG_MIRROR_ENTRIES)
        self.epoch: int | None = None
        self.lock = threading.Lock()
        # How often the copy was dropped (the tests and bench/ read it).
        self.resets = 0

    def clear(self) -> None:
        with self.lock:
            self._reset(None)

    def _reset(self, epoch: int | None) -> None:
        self.versions.clear()
        self.epoch = epoch
        self.resets += 1

    def read(self, store, tag_keys: list[str], keys: list[str], epoch_key: str) -> dict[str, Any]:
        """``keys`` as stored, and the versions of ``tag_keys``: held ones from the copy, the
        others read in the same round trip as the epoch (which brings the copy up to date)."""
        scope = _scope.get()
        if scope is not None and scope.epoch is not None and set(keys) <= scope.values.keys():
            values = self._held(scope, tag_keys)
            if values is not None:
                return values
        with self.lock:
            held = self.epoch is not None
        unknown = [key for key in tag_keys if not held or self.versions.get(key) is None]
        values = store.get_many([*keys, epoch_key, *unknown])
        epoch = values.get(epoch_key)
        caught_up = self._catch_up(store, epoch)
        missing = []
        for key in tag_keys:
            if key in values or (key in unknown and caught_up):
                continue  # read just now (absent: no version stored, a miss)
            version = self.versions.get(key) if caught_up else None
            if version is None:
                missing.append(key)
            else:
                values[key] = version
        read_at = epoch
        if missing:
            # The copy was dropped or lost a tag meanwhile: read them, with the epoch again.
            more = store.get_many([epoch_key, *missing])
            read_at = more.pop(epoch_key, None)
            values.update(more)
        self._keep(epoch, {key: values[key] for key in unknown if key in values})
        if missing:
            self._keep(read_at, {key: values[key] for key in missing if key in values})
        if scope is not None and caught_up and epoch is not None:
            scope.epoch = int(epoch)
            scope.values = {key: values.get(key) for key in (*keys, epoch_key)}
        return values

    def _held(self, scope: _Scope, tag_keys: list[str]) -> dict[str, Any] | None:
        """The versions from the copy, if it is still at the request's epoch and holds them
        all (None: read as usual)."""
        with self.lock:
            if self.epoch != scope.epoch:
                return None
        values = {key: value for key, value in scope.values.items() if value is not None}
        for key in tag_keys:
            version = self.versions.get(key)
            if version is None:
                return None
            values[key] = version
        return values

    def _keep(self, epoch, read: dict[str, Any]) -> None:
        """Keep versions read together with ``epoch``, if the copy is at that epoch."""
        if not read or epoch is None:
            return
        with self.lock:
            if self.epoch == int(epoch):
                for key, version in read.items():
                    self.versions.put(key, version)

    def _catch_up(self, store, epoch) -> bool:
        """Bring the copy to ``epoch`` (forget what the log says changed since); False when
        it had to be dropped instead."""
        with self.lock:
            if epoch is None:
                self._reset(None)  # no epoch (evicted, flushed): nothing can be vouched for
                return False
            epoch = int(epoch)
            if self.epoch == epoch:
                return True
            start = self.epoch
            if start is None or epoch < start or epoch - start > MAX_GAP:
                self._reset(epoch)
                return False
        entries = store.get_many([log_key(number) for number in range(start + 1, epoch + 1)])
        with self.lock:
            if self.epoch != start:
                # Another thread moved it meanwhile: trust it only if it is where we are.
                return self.epoch == epoch
            if len(entries) != epoch - start:
                self._reset(epoch)
                return False
            for tags in entries.values():
                for key in tags:
                    self.versions.pop(key)
            self.epoch = epoch
            return True


mirror = Mirror()


def enabled(store) -> bool:
    """Worth it (and used) only when the versions live outside this process."""
    return settings.PAGE_CACHE_TAG_MIRROR_ENTRIES > 0 and not isinstance(store, LocMemCache)


def log_value(tag_keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(tag_keys))
