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
        # Per sitemap, its number of pages and its latest lastmod (the articles' from two
        # one-row index scans); tags and authors first refresh summaries a scheduled
        # article made stale (one query when none is due). The site's own pages (pages/)
        # add their sitemap: two more.
        ("/sitemap.xml", 17),
        ("/sitemaps/articles.xml", 2),
        ("/sitemaps/sections.xml", 2),
        ("/sitemaps/authors.xml", 3),
        ("/sitemaps/tags.xml", 3),
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


# --- Scale: summaries, id-range pages ------------------------------------------------------


def test_tag_and_author_dates_follow_content_changes(client):
    """The stored summaries move with publishing, retagging, bylines and deletion."""
    author = AuthorFactory(name="Moving Writer")
    article = ArticleFactory(authors=[author], tags=["Tides"])
    tag_url = SITE + "/tags/tides/"
    assert tag_url in urlset(client, "tags")
    assert SITE + author.get_absolute_url() in urlset(client, "authors")

    article.tags.remove("Tides")
    assert tag_url not in urlset(client, "tags")
    article.tags.add("Tides")
    assert tag_url in urlset(client, "tags")

    newer = ArticleFactory(tags=["Tides"], published_at=article.published_at + timedelta(minutes=1))
    newer.refresh_from_db()
    assert parse_date(urlset(client, "tags")[tag_url]) == newer.published_at
    newer.delete()
    assert parse_date(urlset(client, "tags")[tag_url]) == article.published_at

    article.bylines.all().delete()
    assert SITE + author.get_absolute_url() not in urlset(client, "authors")
    article.tags.clear()
    assert tag_url not in urlset(client, "tags")


def test_unpublishing_removes_the_tag_and_author(client):
    author = AuthorFactory(name="Gone Writer")
    article = ArticleFactory(authors=[author], tags=["Fading"])
    article.status = Article.Status.UNPUBLISHED
    article.save()
    assert SITE + "/tags/fading/" not in urlset(client, "tags")
    assert SITE + author.get_absolute_url() not in urlset(client, "authors")


def test_scheduled_article_reaches_the_sitemaps_at_its_moment(client, monkeypatch):
    """No cron: the summary notes the scheduled time and the sitemap refreshes it once due."""
    author = AuthorFactory(name="Future Writer")
    moment = timezone.now() + timedelta(hours=1)
    ArticleFactory(authors=[author], tags=["Eclipse"], published_at=moment)
    assert SITE + "/tags/eclipse/" not in urlset(client, "tags")
    assert SITE + author.get_absolute_url() not in urlset(client, "authors")

    later = moment + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    tags = urlset(client, "tags")
    assert parse_date(tags[SITE + "/tags/eclipse/"]) == moment
    assert SITE + author.get_absolute_url() in urlset(client, "authors")
    index = get_xml(client, reverse("sitemap"))
    lastmods = {
        item.findtext("sm:loc", namespaces=NS): item.findtext("sm:lastmod", namespaces=NS)
        for item in index
    }
    assert parse_date(lastmods[SITE + "/sitemaps/tags.xml"]) == moment
    assert parse_date(lastmods[SITE + "/sitemaps/authors.xml"]) >= moment


def test_articles_sitemap_pages_are_id_ranges(client, monkeypatch):
    """Deep pages are a primary-key range, never an OFFSET, and never exceed the limit."""
    from articles.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 3)
    articles = ArticleFactory.create_batch(7)
    ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    top = max(article.pk for article in articles)
    root = get_xml(client, reverse("sitemap"))
    article_pages = [
        loc.text for loc in root.iter(f"{{{NS['sm']}}}loc") if "/sitemaps/articles.xml" in loc.text
    ]
    assert len(article_pages) == -(-top // 3)
    seen = []
    for number in range(1, len(article_pages) + 1):
        url = reverse("sitemap-section", kwargs={"section": "articles"}) + f"?p={number}"
        root = get_xml(client, url)
        locations = [url.findtext("sm:loc", namespaces=NS) for url in root.findall("sm:url", NS)]
        assert len(locations) <= 3
        seen += locations
    assert sorted(seen) == sorted(SITE + article.get_absolute_url() for article in articles)
    url = reverse("sitemap-section", kwargs={"section": "articles"})
    assert client.get(f"{url}?p={len(article_pages) + 1}").status_code == 404
    assert client.get(f"{url}?p=0").status_code == 404


def test_unicode_tag_slugs_are_encoded_as_reverse_would(client):
    ArticleFactory(tags=["Zürich"])
    assert SITE + reverse("articles:tag", kwargs={"slug": "zürich"}) in urlset(client, "tags")


def test_sitemap_queries_join_tags_without_a_cast(client, django_assert_max_num_queries):
    """taggit's object_id is an integer and the article id a bigint: a join through
    ``object_id::bigint`` keeps PostgreSQL off the tagged-item index (12 ms per tag)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles import summaries

    ArticleFactory(tags=["Cast"])
    with CaptureQueriesContext(connection) as queries:
        client.get("/sitemap.xml")
        client.get(reverse("sitemap-section", kwargs={"section": "tags"}))
        summaries.rebuild_all()
    assert not [q["sql"] for q in queries if "::bigint" in q["sql"].lower()]
