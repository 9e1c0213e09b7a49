"""Assembled pages: a stored page is its own part plus references to the shared parts it
shows (the navigation, Recent Articles, Our Books, the footer's page links), each stored
under its own tags.

Why it is built this way:

- **A change refreshes what it changed, not every page that shows it.** Publishing a story
  invalidates ``articles:list`` because Recent Articles shows it; if that tag were the page's,
  every article page — 2,000 bodies — would be rendered again. Stored as parts, the article's
  own part keeps only the tags its own render read (its article, bylines, authors, topics…);
  Recent Articles is a part with its own tags, rendered again once and shared.
- **Parts are self-contained.** A part is a name and the arguments it is rendered from
  (``fragments.register_part``): nothing from the page's template context. So the page cache
  renders a stale part again by itself — no view, no page template — and every page that
  refers to it gets the new one. A page whose *own* part is stale is rendered through Django,
  as any miss. (The choice against re-rendering stale parts in the WSGI front layer: it runs
  before Django's request handling, without the database connection management and the
  outage page that go with it; a hit there is pure cache work, and a page with a stale part
  goes to the middleware, which renders only that part.)
- **A hit is still one read.** The stored page holds the assembled bytes, where each part
  sits, and the tags and version of each part it was assembled with. A hit reads the versions
  of all those tags in one ``MGET`` (as before) and, when nothing changed, sends the stored
  bytes as they are: no template, view, SQL, nor even a join. When a part changed, the page
  takes the part's current copy (another page may already have rendered it) or renders it,
  splices it in, and is stored again, so the next hit is plain again.
- **The edge still gets whole pages**, with the union of the own and the parts' tags in
  ``xkey``/``Surrogate-Key``: a Varnish purge by any of them drops the page.
- **The same bytes as a plain render.** A part renders the same HTML inline or as a part:
  while a page is being stored the part writes a placeholder, filled in with its HTML before
  any response leaves the middleware (the tests compare every page with a render without any
  cache).
"""

from __future__ import annotations

import contextvars
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from caching import tags as cache_tags


class PartRef(NamedTuple):
    """Where a part sits in a stored page, and the copy of it the page was assembled with."""

    key: str
    name: str
    args: tuple
    version: int
    tags: frozenset[str]
    start: int
    end: int


class PageEntry(NamedTuple):
    """A stored page: ``tags`` (own and parts', for the one read a hit makes) come second, as
    in every stored entry; ``own_tags`` say when the page must be rendered again."""

    version: int
    tags: frozenset[str]
    status: int
    headers: tuple
    content: bytes
    own_tags: frozenset[str] = frozenset()
    parts: tuple[PartRef, ...] = ()


class Collector:
    """The parts of the page being rendered for storage, in the order they were written."""

    def __init__(self, recorder: cache_tags.Recorder):
        self.recorder = recorder
        self.token = secrets.token_hex(8)
        self.parts: list[tuple[str, str, tuple, tuple]] = []  # key, name, args, entry

    def at_top(self) -> bool:
        """Whether a part written now belongs to the page itself (not inside a fragment or
        another part, whose own stored copy includes it)."""
        return cache_tags.current() is self.recorder

    def add(self, key: str, name: str, args: tuple, entry: tuple) -> str:
        self.parts.append((key, name, args, entry))
        return f"<!--part:{self.token}:{len(self.parts) - 1}-->"

    def fill(self, content: bytes) -> tuple[bytes, tuple[PartRef, ...]]:
        """The page with every placeholder replaced by its part, and where each part sits."""
        if not self.parts:
            return content, ()
        pattern = re.compile(rb"<!--part:" + self.token.encode() + rb":(\d+)-->")
        pieces: list[bytes] = []
        refs: list[PartRef] = []
        position = last = 0
        for match in pattern.finditer(content):
            own = content[last : match.start()]
            pieces.append(own)
            position += len(own)
            key, name, args, (version, tags, value) = self.parts[int(match.group(1))]
            html = value.encode()
            pieces.append(html)
            refs.append(PartRef(key, name, args, version, tags, position, position + len(html)))
            position += len(html)
            last = match.end()
        pieces.append(content[last:])
        return b"".join(pieces), tuple(refs)


_collector: contextvars.ContextVar[Collector | None] = contextvars.ContextVar(
    "page_assembly", default=None
)


def current() -> Collector | None:
    return _collector.get()


@contextmanager
def collecting(recorder: cache_tags.Recorder) -> Iterator[Collector]:
    collector = Collector(recorder)
    token = _collector.set(collector)
    try:
        yield collector
    finally:
        _collector.reset(token)


def splice(content: bytes, parts: tuple[PartRef, ...], fresh: dict[int, tuple]) -> tuple:
    """``content`` with the parts at the indexes in ``fresh`` replaced by the given entries
    ``(version, tags, value)``; returns the new content and part references."""
    pieces: list[bytes] = []
    refs: list[PartRef] = []
    last = position = 0
    for index, ref in enumerate(parts):
        own = content[last : ref.start]
        pieces.append(own)
        position += len(own)
        if index in fresh:
            version, tags, value = fresh[index]
            html = value.encode()
        else:
            version, tags, html = ref.version, ref.tags, content[ref.start : ref.end]
        pieces.append(html)
        refs.append(
            PartRef(ref.key, ref.name, ref.args, version, tags, position, position + len(html))
        )
        position += len(html)
        last = ref.end
    pieces.append(content[last:])
    return b"".join(pieces), tuple(refs)
