"""Fragments: parts of pages that many pages share, each stored under its own cache tags.

Why it is built this way:

- **The page cache covers repeat visits to one page; fragments cover the first visit.**
  Most of what an article page shows is not the article: the navigation, "Recent Articles",
  "Our Books", the author boxes, the cards on listing pages. Those are the same on hundreds
  of pages, so they are rendered once and reused by every page that shows them.
- **Tagged like pages, so never stale.** A fragment's render is recorded (caching/tags.py):
  it is stored with the tags of what it read and the counter value its render began at, and
  used only while none of those tags has been invalidated since. A page that uses a stored
  fragment records the fragment's tags too, so the page is invalidated with it — unless the
  fragment is a *part* (``register_part``, ``part``): then the stored page refers to it and
  only the part is rendered again when it changes (caching/assembly.py). The release
  (``RELEASE``) is part of the key, so a deploy with new templates does not reuse fragments
  rendered by the old ones.
- **Two layers.** Each process keeps the fragments it used last in memory (checked against
  the tags' versions, so a memory copy cannot outlive a change), in front of the shared
  cache (Redis when ``REDIS_URL`` is set), so one app server renders a fragment for all.
- **Only what every reader sees.** Fragments hold public content only — never anything that
  depends on who asks — so signed-in editors and previews can use them too.
- **Failure-safe.** If the cache is unreachable the fragment is simply rendered.
- **Replica-safe.** Like pages, fragments are rendered from a read replica only outside the
  lag window after a change (newsroom/db_router.py), so none is stored with a stale copy.

``FRAGMENT_CACHE`` (default on with ``DEBUG=false``) turns the whole thing off; in templates
use ``{% fragment "name" key… %}…{% endfragment %}`` (caching/templatetags/fragments.py), in
Python ``fragments.get_or_build(request, "name", (key…), build)``.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches

from caching import cache as page_cache_module
from caching import tags as cache_tags

logger = logging.getLogger("newsroom.fragments")

T = TypeVar("T")

KEY_PREFIX = "fragment:"

local_fragments = page_cache_module.LocalPages("FRAGMENT_CACHE_LOCAL_ENTRIES")


def enabled() -> bool:
    return settings.FRAGMENT_CACHE_ENABLED


def fragment_cache():
    return caches[settings.FRAGMENT_CACHE_ALIAS]


def fragment_key(name: str, parts: Iterable[object]) -> str:
    text = "|".join([settings.PAGE_CACHE_VERSION, name, *(str(part) for part in parts)])
    return KEY_PREFIX + name + ":" + hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _local_enabled() -> bool:
    return page_cache_module.local_pages_enabled() and settings.FRAGMENT_CACHE_LOCAL_ENTRIES > 0


def get_or_build(request, name: str, parts: Iterable[object], build: Callable[[], T]) -> T:
    """The value of fragment ``name`` for ``parts``, valid under its tags.

    ``build`` makes it (a rendered string, or any picklable value) when no valid one is
    stored. ``request`` may be None (e.g. a template rendered without one). The fragment's
    tags are added to the render being recorded.
    """
    if not enabled():
        return build()
    entry = get_entry(request, fragment_key(name, parts), name, build)
    cache_tags.record(entry[1])
    return entry[2]


class RenderNeeded(Exception):
    """A fragment would have to be rendered where nothing may be (``stored_only``)."""


_stored_only: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "fragments_stored_only", default=False
)


@contextmanager
def stored_only() -> Iterator[None]:
    """Within the block, fragments come from the cache or raise ``RenderNeeded``: the WSGI
    front layer assembles parts from stored fragments, but renders nothing (no database
    outside Django's request handling)."""
    token = _stored_only.set(True)
    try:
        yield
    finally:
        _stored_only.reset(token)


def is_stored_only() -> bool:
    return _stored_only.get()


def get_entry(request, key: str, name: str, build: Callable[[], T], *, isolated=False):
    """``(version, tags, value)`` of the fragment stored under ``key``, built (recorded, and
    stored) when no valid one is; ``isolated`` renders it apart from the page being recorded
    (a part of an assembled page, caching/assembly.py)."""
    if request is None:
        # A fragment inside another one's build: the request being rendered, whose version
        # and schedule were read once (two fewer round trips per nested fragment).
        request = _building_for.get()
    local = _local_enabled()
    try:
        entry = local_fragments.get(key) if local else None
        if entry is None:
            page_cache_module.ensure_trusted()
            entry = fragment_cache().get(key)
            if entry is not None and local:
                local_fragments.put(key, entry)
        fired = page_cache_module.request_schedule(request)[1]
        if entry is not None:
            values = page_cache_module.read_state(entry[1])
            if not fired & entry[1] and page_cache_module.tags_valid(entry[0], entry[1], values):
                return entry
        version = page_cache_module.request_version(request)
    except Exception:
        if _stored_only.get():
            raise
        page_cache_module.cache_failed()
        logger.warning("Fragment cache unavailable; rendering %s", name, exc_info=True)
        with cache_tags.isolated() if isolated else cache_tags.recording() as recorder:
            value = build()
        return (0, frozenset(recorder.tags), value)
    if _stored_only.get():
        raise RenderNeeded(name)
    return build_entry(key, name, version, build, isolated=isolated, request=request)


_building_for: contextvars.ContextVar = contextvars.ContextVar("fragment_request", default=None)


def build_entry(
    key: str, name: str, version: int, build: Callable[[], T], *, isolated=False, request=None
):
    """Render a fragment (its reads recorded) and store it, valid from ``version`` on."""
    token = _building_for.set(request) if request is not None else None
    try:
        with cache_tags.isolated() if isolated else cache_tags.recording() as recorder:
            value = build()
    finally:
        if token is not None:
            _building_for.reset(token)
    tags = frozenset(recorder.tags)
    entry = (version, tags, value)
    try:
        page_cache_module.remember_tags(tags, version, page_cache_module.read_state(tags))
        if _local_enabled():
            local_fragments.put(key, entry)
        fragment_cache().set(key, entry, timeout=settings.FRAGMENT_CACHE_TIMEOUT)
    except Exception:
        page_cache_module.cache_failed()
        logger.warning("Could not store fragment %s", name, exc_info=True)
    return entry


# --- parts of assembled pages ---------------------------------------------------------------

_part_builders: dict[str, Callable[..., str]] = {}
_derived_parts: set[str] = set()
_edge_parts: set[str] = set()


def register_part(name: str, *, derived: bool = False, edge: bool = False):
    """Declare ``name`` a part of assembled pages, rendered by the decorated function from
    its arguments alone (caching/assembly.py): the page cache can then render it again by
    itself, for every page that shows it, without the view or the page's template.

    A ``derived`` part is not stored itself: it is a cheap rendering of stored fragments
    (Recent Articles without the page's own article, from the shared cards), made again
    wherever it is needed; storing one per page would cost two round trips for nothing.

    An ``edge`` part is included by the edge cache rather than copied into each page there
    (caching/includes.py): what changes it then purges one object, not every page.
    """

    def decorator(function: Callable[..., str]) -> Callable[..., str]:
        _part_builders[name] = function
        if derived:
            _derived_parts.add(name)
        if edge:
            _edge_parts.add(name)
        return function

    return decorator


def part_builder(name: str) -> Callable[..., str]:
    if name not in _part_builders:
        _load_part_libraries()
    return _part_builders[name]


def _load_part_libraries() -> None:
    """Parts are declared by template tag libraries, which the template engines import."""
    from django.template import engines

    for engine in engines.all():
        getattr(engine, "engine", engine)


_part_request: contextvars.ContextVar = contextvars.ContextVar("part_request", default=None)


def part_request():
    """The request a part is rendered for, when it may share the request's reads: only while
    fragments are off. A stored part is rendered for every page, so it gets None."""
    return _part_request.get()


def part(request, name: str, args: tuple = ()) -> str:
    """The HTML of part ``name`` for ``args``: in a page being stored, a placeholder the page
    cache fills in (and stores the part apart, under its own tags); elsewhere the HTML."""
    from caching import assembly

    build = _part_builders[name]
    args = tuple(args)
    if not enabled():
        # Rendered with the page, recorded with it: the builder may reuse what this request
        # already read (``part_request``), e.g. the navigation's and the footer's placed pages.
        token = _part_request.set(request)
        try:
            return build(*args)
        finally:
            _part_request.reset(token)
    collector = assembly.current()
    if collector is None or not collector.at_top():
        if name in _derived_parts:
            return build(*args)  # from stored fragments, whose tags it records
        return get_or_build(request, name, args, lambda: build(*args))
    key = fragment_key(name, args)
    entry = part_entry(request, key, name, args, build)
    return collector.add(key, name, args, entry)


def is_derived(name: str) -> bool:
    return name in _derived_parts


def is_edge_part(name: str) -> bool:
    if name not in _part_builders:
        _load_part_libraries()
    return name in _edge_parts


def part_entry(request, key: str, name: str, args: tuple, build: Callable[..., str]):
    """``(version, tags, html)`` of a part: stored and shared, or derived here (its tags are
    those of the valid fragments it was made from, so the request's version holds for it)."""
    if name not in _derived_parts:
        return get_entry(request, key, name, lambda: build(*args), isolated=True)
    try:
        version = page_cache_module.request_version(request or _building_for.get())
    except Exception:
        page_cache_module.cache_failed()
        version = 0
    token = _building_for.set(request) if request is not None else None
    try:
        with cache_tags.isolated() as recorder:
            value = build(*args)
    finally:
        if token is not None:
            _building_for.reset(token)
    return (version, frozenset(recorder.tags), value)
