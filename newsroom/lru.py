"""A bounded least-recently-used map for per-process memos (pages, fragments, pictures).

Thread-safe for gunicorn's threaded workers. The limit is a callable, read at each insert,
so a limit taken from settings follows changes to them (tests change them).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class BoundedLRU:
    def __init__(self, limit: Callable[[], int]):
        self.limit = limit
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        value = self._entries.get(key)
        if value is not None:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        limit = self.limit()
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > limit:
                self._entries.popitem(last=False)

    def pop(self, key: Hashable) -> Any | None:
        with self._lock:
            return self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
