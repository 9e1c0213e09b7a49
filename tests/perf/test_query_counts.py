"""Constant work per page: a fixed number of SQL queries whatever the amount of content.

Each public page is rendered uncached on a small site, then again after the site has grown
(more articles, authors, tags, books, bylines); the counts must not move. The article page
is also held to its budget: at most 10 queries uncached, none from the page cache.
"""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from caching import cache
from tests.caching.site import fresh
from tests.factories import ArticleFactory, AuthorFactory, BookFactory

pytestmark = pytest.mark.django_db

ARTICLE_PAGE_BUDGET = 10


def grow(world, *, articles: int, authors_each: int, tags_each: int, books: int) -> None:
    """Add content around the world's article, section, author and tag."""
    authors = [world.author, *AuthorFactory.create_batch(authors_each - 1)]
    tags = ["transport", *(f"topic {n}" for n in range(tags_each - 1))]
    for _ in range(articles):
        ArticleFactory(section=world.section, authors=authors, tags=tags)
    world.article.tags.add(*tags)
    for author in authors[1:]:
        world.article.bylines.create(author=author, position=authors.index(author))
    for _ in range(books):
        BookFactory(authors=[world.author])


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = fresh(client, url)
    assert response.status_code == 200, url
    return len(queries)


def test_every_public_page_costs_the_same_as_the_site_grows(client, world):
    for url in world.urls.values():
        fresh(client, url)  # warm process-wide caches (the current Site, ContentTypes)
    small = {name: count_queries(client, url) for name, url in world.urls.items()}
    grow(world, articles=12, authors_each=3, tags_each=10, books=8)
    large = {name: count_queries(client, url) for name, url in world.urls.items()}
    assert large == small


def test_article_page_budget(client, world, page_cache, django_assert_max_num_queries):
    """An article with 3 authors, 10 tags, 8 books on the shelf and recent articles around."""
    grow(world, articles=6, authors_each=3, tags_each=10, books=8)
    url = world.urls["article"]
    assert world.article.bylines.count() == 3
    assert world.article.tags.count() == 10
    cache.content_changed()
    with django_assert_max_num_queries(ARTICLE_PAGE_BUDGET):
        assert client.get(url)[cache.STATUS_HEADER] == "MISS"
    with django_assert_max_num_queries(0):
        assert client.get(url)[cache.STATUS_HEADER] == "HIT"


def count_warm_queries(client, url: str) -> int:
    """Queries of a page rendered without the page cache, its shared fragments stored."""
    with override_settings(PAGE_CACHE_ENABLED=False, FRAGMENT_CACHE_ENABLED=True):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_with_fragments_every_page_still_costs_the_same_as_the_site_grows(client, world):
    small = {name: count_warm_queries(client, url) for name, url in world.urls.items()}
    grow(world, articles=12, authors_each=3, tags_each=10, books=8)
    large = {name: count_warm_queries(client, url) for name, url in world.urls.items()}
    assert large == small
    # The shared blocks cost the article page nothing once stored.
    cold = count_queries(client, world.urls["article"])
    assert large["article"] <= cold - 3


def test_costs_stay_flat_as_tags_and_authors_multiply(client, world, settings):
    """Issue 22: the tag and author sitemaps once asked per tag and per author; now every
    page, every sitemap and the deepest list and search pages cost the same with 2 tags and
    2 authors as with dozens of each."""
    from django.urls import reverse

    settings.ARTICLES_PER_PAGE = 1  # so the last page is a later page on both sizes
    urls = {
        **world.urls,
        **{
            f"{name} sitemap": reverse("sitemap-section", kwargs={"section": name})
            for name in ["pages", "articles", "sections", "authors", "tags", "books"]
        },
        "last page": reverse("articles:home") + "?page=last",
        "search last page": reverse("articles:search") + "?q=tram&page=last",
    }
    for url in urls.values():
        fresh(client, url)
    small = {name: count_queries(client, url) for name, url in urls.items()}
    for number in range(15):
        ArticleFactory(
            headline=f"Tram depot {number}",
            section=world.section,
            authors=AuthorFactory.create_batch(2),
            tags=[f"subject {number}", f"place {number}", "transport"],
        )
    large = {name: count_queries(client, url) for name, url in urls.items()}
    assert large == small
