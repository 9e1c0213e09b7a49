"""Fixtures for the page-cache tests: the caches switched on, and a small site to cache.

Imported by the ``conftest.py`` of the folders whose tests use them (tests/caching/,
tests/perf/).

With the page cache on, shared fragments are on too (as in production), and ``fresh()``
renders with neither: every comparison with ``fresh()`` also proves that no stored fragment
differs from what the page would show without one.
"""

from dataclasses import dataclass, field

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from caching import cache, fragments
from tests.factories import ArticleFactory, AuthorFactory, BookFactory, SectionFactory


@pytest.fixture
def page_cache(settings):
    """The page cache and fragments as in production, state in the per-test memory cache."""
    settings.PAGE_CACHE_ENABLED = True
    settings.FRAGMENT_CACHE_ENABLED = True
    settings.PAGE_CACHE_STATE_ALIAS = "default"
    return settings


@pytest.fixture
def layered_cache(page_cache, tmp_path):
    """Pages in a cache outside the process (files here, Redis in production), with each
    process's in-memory copy in front, as with REDIS_URL."""
    page_cache.CACHES = {
        **page_cache.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "pages"),
        },
    }
    page_cache.PAGE_CACHE_ALIAS = "pages"
    page_cache.FRAGMENT_CACHE_ALIAS = "pages"
    cache.local_pages.clear()
    fragments.local_fragments.clear()
    assert cache.local_pages_enabled()
    yield page_cache
    cache.local_pages.clear()
    fragments.local_fragments.clear()


def url_or_none(name: str, **kwargs) -> str | None:
    """The URL of a route if the project has it (feeds, sitemaps and search are optional)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


@dataclass
class World:
    """A small site: one section, author, tag and book around two live articles."""

    section: object
    author: object
    book: object
    article: object
    other: object
    urls: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(db) -> World:
    section = SectionFactory(name="City Hall")
    author = AuthorFactory(name="Ines Okafor")
    book = BookFactory(title="Streets of Glass", authors=[author])
    article = ArticleFactory(
        headline="Tram line opens to the harbour",
        section=section,
        authors=[author],
        tags=["transport"],
    )
    other = ArticleFactory(headline="Library hours grow", section=section, authors=[author])
    world = World(section, author, book, article, other)
    candidates = {
        "home": url_or_none("articles:home"),
        "article": article.get_absolute_url(),
        "other article": other.get_absolute_url(),
        "section": section.get_absolute_url(),
        "tag": url_or_none("articles:tag", slug="transport"),
        "author": author.get_absolute_url(),
        "authors": url_or_none("authors:list"),
        "books": url_or_none("books:list"),
        "book": book.get_absolute_url(),
        "feed": url_or_none("articles:feed"),
        "atom feed": url_or_none("articles:feed-atom"),
        "section feed": url_or_none("articles:section-feed", slug=section.slug),
        "author feed": url_or_none("articles:author-feed", slug=author.slug),
        "tag feed": url_or_none("articles:tag-feed", slug="transport"),
        "sitemap": url_or_none("sitemap"),
        "news sitemap": url_or_none("sitemap-news"),
        "articles sitemap": url_or_none("sitemap-section", section="articles"),
        "authors sitemap": url_or_none("sitemap-section", section="authors"),
    }
    search = url_or_none("articles:search")
    if search:
        candidates["search"] = f"{search}?q=tram"
    world.urls = {name: url for name, url in candidates.items() if url}
    cache.content_changed()  # start from a known state, after the factories' own changes
    return world


def fresh(client, url: str):
    """The page as rendered right now from the database alone: no page, no fragment."""
    with override_settings(PAGE_CACHE_ENABLED=False, FRAGMENT_CACHE_ENABLED=False):
        return client.get(url)


def prime(client, urls):
    """Request every page twice; the second answer must come from the cache."""
    for name, url in urls.items():
        first = client.get(url)
        assert first.status_code == 200, name
        second = client.get(url)
        assert second[cache.STATUS_HEADER] == "HIT", name
        assert second.content == first.content, name
