"""A fixed-window counter in the shared cache: "at most N in W seconds" per key.

Generic on purpose (the tip form's limiter in pages/tips.py is tied to its own settings and
could move onto this). Keys are hashed, so no address or IP is stored in the cache in clear.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


class RateLimit:
    def __init__(self, prefix: str, *, limit: int, window: int):
        self.prefix, self.limit, self.window = prefix, limit, window

    def _key(self, value: str) -> str:
        return f"ratelimit:{self.prefix}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"

    def exceeded(self, value: str | None) -> bool:
        """Whether ``value`` has used up its allowance in the current window."""
        if not value or self.limit <= 0:
            return False
        return (cache.get(self._key(value)) or 0) >= self.limit

    def hit(self, value: str | None) -> None:
        """Count one use against ``value``; the window starts with its first use."""
        if not value:
            return
        key = self._key(value)
        if cache.add(key, 1, timeout=self.window):
            return
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=self.window)
