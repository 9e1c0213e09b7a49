"""Fragments: parts of pages that many pages share, rendered once per content generation.

Why it is built this way:

- **The page cache covers repeat visits to one page; fragments cover the first visit.**
  After a content change every stored page is discarded (caching/cache.py), and each page
  is rendered again on its first request. Most of what an article page shows is not the
  article: the navigation, "Recent Articles", "Our Books", the author boxes, the cards on
  listing pages. Those are the same on hundreds of pages, so they are rendered once per
  generation and reused by every page that shows them; only the article itself is new work.
- **Keyed by the content generation, so never stale.** A fragment is stored with the
  generation it was rendered under and used only while that generation is current, exactly
  like a page; publishing, editing or deleting anything starts a new generation. No
  dependency tracking to get wrong. The release (``RELEASE``) is part of the key, so a
  deploy with new templates does not reuse fragments rendered by the old ones.
- **Two layers.** Each process keeps the fragments it used last in memory (checked against
  the generation, so a memory copy cannot outlive a change), in front of the shared cache
  (Redis when ``REDIS_URL`` is set), so one app server renders a fragment for all.
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

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches

from caching import cache as page_cache_module

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
    """The value of fragment ``name`` for ``parts`` in the current generation.

    ``build`` makes it (a rendered string, or any picklable value) when no process has yet
    in this generation. ``request`` may be None (e.g. a template rendered without one).
    """
    if not enabled():
        return build()
    try:
        generation = page_cache_module.current_generation(request)
    except Exception:
        logger.warning("Fragment cache unavailable; rendering %s", name, exc_info=True)
        return build()
    key = fragment_key(name, parts)
    local = _local_enabled()
    if local:
        entry = local_fragments.get(key, generation)
        if entry is not None:
            return entry[1]
    try:
        entry = fragment_cache().get(key)
    except Exception:
        logger.warning("Fragment cache unavailable; rendering %s", name, exc_info=True)
        entry = None
    if entry is not None and entry[0] == generation:
        if local:
            local_fragments.put(key, entry)
        return entry[1]
    value = build()
    entry = (generation, value)
    if local:
        local_fragments.put(key, entry)
    try:
        fragment_cache().set(key, entry, timeout=settings.FRAGMENT_CACHE_TIMEOUT)
    except Exception:
        logger.warning("Could not store fragment %s", name, exc_info=True)
    return value
