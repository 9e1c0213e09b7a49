"""Which page addresses the site's own routes already answer.

Pages are served by a catch-all pattern at the end of ``newsroom/urls.py``, so a page at
``/search/`` would never be reached, and one at ``/articles/`` would shadow nothing but
mislead. The check asks the URLconf itself rather than a list kept by hand: a route added
later (a new app, a new feed) is refused as a page address without anyone remembering to.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

PAGE_VIEW_NAME = "pages:detail"


def _first_segments(patterns, prefix: str = "") -> set[str]:
    """The first path segment of every route, where that segment is fixed text."""
    found: set[str] = set()
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if isinstance(pattern, URLResolver):
            found |= _first_segments(pattern.url_patterns, route)
            continue
        if isinstance(pattern, URLPattern):
            if getattr(pattern, "name", None) == "detail" and route.startswith("<pagepath:"):
                continue  # the pages' own catch-all
            first = route.split("/", 1)[0]
            if first and "<" not in first and "(" not in first and "\\" not in first:
                found.add(first.rstrip("$"))
    return found


@lru_cache(maxsize=4)
def reserved_segments(urlconf: str | None = None) -> frozenset[str]:
    """First segments the site's routes use (``admin``, ``articles``, ``robots.txt``…),
    plus those of locally served static files and uploads."""
    found = _first_segments(get_resolver(urlconf).url_patterns)
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        if url and url.startswith("/"):
            found.add(url.strip("/").split("/", 1)[0])
    return frozenset(found)


def clash_problems(path: str) -> list[str]:
    """Why a page cannot have the address ``path`` (``/about/team/``); empty when it can."""
    first = path.strip("/").split("/", 1)[0]
    if first in reserved_segments(settings.ROOT_URLCONF):
        return [
            f"The address {path} belongs to the site itself (everything under /{first}/ is "
            "taken by its own pages). Choose another address."
        ]
    try:
        match = resolve(path)
    except Resolver404:
        return []
    if match.view_name != PAGE_VIEW_NAME:
        return [f"The address {path} is already one of the site's own pages. Choose another."]
    return []
