"""Sitemap index, per-kind sitemaps, the Google News sitemap and robots.txt, parsed as XML."""

from datetime import datetime, timedelta

import pytest
from defusedxml import ElementTree
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BookFactory,
    PageFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "Harbour & Ledger"
    settings.LANGUAGE_CODE = "en-us"


def get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def urlset(client, section):
    """{location: lastmod} of one sitemap."""
    root = get_xml(client, reverse("sitemap-section", kwargs={"section": section}))
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


def parse_date(text):
    return datetime.fromisoformat(text)


@pytest.fixture
def content():
    live = ArticleFactory(
        headline="Live story",
        section=SectionFactory(name="City"),
        authors=[AuthorFactory(name="Public Writer")],
        tags=["Bridges"],
    )
    hidden_author = AuthorFactory(name="Draft Writer")
    future = timezone.now() + timedelta(days=1)
    hidden = [
        ArticleFactory(
            headline="Draft story",
            status=Article.Status.DRAFT,
            published_at=None,
            authors=[hidden_author],
            tags=["Secret plans"],
        ),
        ArticleFactory(headline="Scheduled story", published_at=future, tags=["Future"]),
        ArticleFactory(headline="Withdrawn story", status=Article.Status.UNPUBLISHED),
    ]
    book = BookFactory(title="River Book")
    return {"live": live, "hidden": hidden, "hidden_author": hidden_author, "book": book}


def test_index_lists_every_sitemap_with_lastmod(client, content):
    PageFactory(slug="about")  # pages/: the site's own pages have their sitemap too
    root = get_xml(client, reverse("sitemap"))
    entries = {
        item.findtext("sm:loc", namespaces=NS): item.findtext("sm:lastmod", namespaces=NS)
        for item in root.findall("sm:sitemap", NS)
    }
    expected = {
        SITE + reverse("sitemap-section", kwargs={"section": name})
        for name in ["pages", "articles", "sections", "authors", "tags", "books", "webpages"]
    }
    assert set(entries) == expected
    for location, lastmod in entries.items():
        assert lastmod, location
        assert parse_date(lastmod) <= timezone.now() + timedelta(seconds=5)


def test_articles_sitemap_lists_live_articles_only(client, content):
    live = content["live"]
    urls = urlset(client, "articles")
    assert list(urls) == [SITE + live.get_absolute_url()]
    live.refresh_from_db()
    expected = max(live.modified_at, live.published_at)
    assert parse_date(urls[SITE + live.get_absolute_url()]) == expected


def test_sections_authors_tags_and_books(client, content):
    live = content["live"]
    author = live.bylines.get().author
    assert SITE + live.section.get_absolute_url() in urlset(client, "sections")
    authors = urlset(client, "authors")
    assert list(authors) == [SITE + author.get_absolute_url()]
    expected = max(author.modified_at, live.published_at)
    assert parse_date(authors[SITE + author.get_absolute_url()]) == expected
    tags = urlset(client, "tags")
    assert list(tags) == [SITE + reverse("articles:tag", kwargs={"slug": "bridges"})]
    assert parse_date(tags[SITE + "/tags/bridges/"]) == live.published_at
    books = urlset(client, "books")
    assert list(books) == [SITE + content["book"].get_absolute_url()]
    assert all(books.values())


def test_fixed_pages(client, content):
    pages = urlset(client, "pages")
    assert set(pages) == {SITE + "/", SITE + "/authors/", SITE + "/books/"}
    assert pages[SITE + "/"]  # the front page changes with every new story


def test_nothing_hidden_leaks_into_any_sitemap(client, content):
    body = b"".join(
        client.get(reverse("sitemap-section", kwargs={"section": name})).content
        for name in ["pages", "articles", "sections", "authors", "tags", "books", "webpages"]
    )
    for article in content["hidden"]:
        assert article.slug.encode() not in body
    assert content["hidden_author"].slug.encode() not in body
    assert b"secret-plans" not in body and b"/tags/future/" not in body


def test_unknown_sitemap_and_bad_page_are_404(client, content):
    assert client.get("/sitemaps/nothing.xml").status_code == 404
    url = reverse("sitemap-section", kwargs={"section": "articles"})
    assert client.get(url + "?p=9").status_code == 404
    assert client.get(url + "?p=x").status_code == 404


def test_news_sitemap_covers_the_last_48_hours(client, content):
    now = timezone.now()
    recent = ArticleFactory(headline="Fresh <news> & views", published_at=now - timedelta(hours=47))
    ArticleFactory(headline="Too old", published_at=now - timedelta(hours=49))
    root = get_xml(client, reverse("sitemap-news"))
    urls = root.findall("sm:url", NS)
    by_location = {url.findtext("sm:loc", namespaces=NS): url for url in urls}
    assert set(by_location) == {
        SITE + recent.get_absolute_url(),
        SITE + content["live"].get_absolute_url(),
    }
    news = by_location[SITE + recent.get_absolute_url()].find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Harbour & Ledger"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Fresh <news> & views"
    published = parse_date(news.findtext("news:publication_date", namespaces=NS))
    assert abs(published - recent.published_at) < timedelta(seconds=1)


def test_news_sitemap_survives_control_characters(client):
    ArticleFactory(headline="Storm\x0b warning\x1f issued")
    root = get_xml(client, reverse("sitemap-news"))
    assert root.findtext("sm:url/news:news/news:title", namespaces=NS) == "Storm warning issued"


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert f"Sitemap: {SITE}/sitemap-news.xml" in lines


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/sitemap.xml", 13),  # per sitemap: a count for its pages and its latest lastmod
        ("/sitemaps/articles.xml", 2),
        ("/sitemaps/sections.xml", 2),
        ("/sitemaps/authors.xml", 2),
        ("/sitemaps/tags.xml", 2),
        ("/sitemaps/books.xml", 2),
        ("/sitemaps/pages.xml", 1),
        ("/sitemap-news.xml", 2),
    ],
)
def test_query_budget(client, django_assert_max_num_queries, url, budget):
    for number in range(30):
        ArticleFactory(
            section=SectionFactory(name=f"Section {number % 4}"),
            authors=[AuthorFactory()],
            tags=[f"Topic {number}"],
        )
    BookFactory.create_batch(5)
    client.get(url)  # warm the site and content-type caches
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
