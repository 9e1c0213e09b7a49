"""What the public can reach: only live articles, only authors with live articles, and no
staff e-mail address anywhere — checked on named URLs and by crawling the whole public site."""

import re
from collections import deque
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, BookFactory, SectionFactory, UserFactory

from .helpers import Page

pytestmark = pytest.mark.django_db

EXCLUDED_PREFIXES = ("/admin/", "/static/", "/media/")


def _links(response) -> list[str]:
    content_type = response.get("Content-Type", "")
    body = response.content.decode("utf-8", errors="replace")
    if "html" in content_type:
        page = Page(body)
        return [
            element.attrs["href"]
            for element in page.elements
            if element.tag in {"a", "link"} and element.attrs.get("href")
        ]
    if "xml" in content_type or "rss" in content_type or "atom" in content_type:
        return (
            re.findall(r"<loc>([^<]+)</loc>", body)
            + re.findall(r'<link[^>]*href="([^"]+)"', body)
            + re.findall(r"<link>([^<]+)</link>", body)
        )
    if "text/plain" in content_type:
        return re.findall(r"(?:Sitemap|Allow):\s*(\S+)", body)
    return []


def _local(url: str, base: str) -> str | None:
    """The path (and query) of a link on our own site, or None for anything else."""
    url = url.strip()
    site = settings.SITE_URL
    if url.startswith(site):
        url = url[len(site) :] or "/"
    absolute = urljoin(base, url)
    parts = urlsplit(absolute)
    if parts.scheme not in {"", "http"} or parts.netloc not in {"", "testserver"}:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not path.startswith("/") or path.startswith(EXCLUDED_PREFIXES):
        return None
    return path


def crawl(client, start: list[str], limit: int = 400) -> dict[str, object]:
    """Every public page reachable from ``start`` by links, feeds and sitemaps."""
    seen: dict[str, object] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code != 200:
            continue
        for link in _links(response):
            local = _local(link, url)
            if local and local not in seen:
                queue.append(local)
    assert len(seen) < limit, "crawl limit reached; raise it"
    return seen


HIDDEN_STATES = {
    "draft": {"status": Article.Status.DRAFT, "published_at": None},
    "draft-with-time": {
        "status": Article.Status.DRAFT,
        "published_at": timezone.now() - timedelta(days=1),
    },
    "review": {"status": Article.Status.REVIEW, "published_at": None},
    "unpublished": {
        "status": Article.Status.UNPUBLISHED,
        "published_at": timezone.now() - timedelta(days=3),
    },
    "scheduled": {
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() + timedelta(hours=2),
    },
}


@pytest.fixture
def site():
    """A live site, plus one hidden article per state with its own author, tag and section."""
    live_author = AuthorFactory(name="Lena Public")
    news = SectionFactory(name="News")
    live = [
        ArticleFactory(section=news, authors=[live_author], tags=["harbour"])
        for _ in range(settings.ARTICLES_PER_PAGE + 2)  # two pages of home and section
    ]
    BookFactory(authors=[live_author])
    hidden = {}
    for state, fields in HIDDEN_STATES.items():
        marker = f"Quokka{state.replace('-', '')}"
        author = AuthorFactory(name=f"Hidden Writer {marker}")
        article = ArticleFactory(
            headline=f"{marker} secret plans",
            dek=f"{marker} standfirst",
            body=f"<p>{marker} body text</p>",
            section=SectionFactory(name=f"Desk {len(hidden) + 1}"),
            authors=[author, live_author],
            tags=[f"tag-{marker.lower()}", "harbour"],
            **fields,
        )
        hidden[state] = {"article": article, "author": author, "marker": marker}
    return {"live": live, "live_author": live_author, "news": news, "hidden": hidden}


def _assert_absent(responses: dict, hidden: dict) -> None:
    for url, response in responses.items():
        if response.status_code != 200:
            continue
        body = response.content.decode("utf-8", errors="replace").lower()
        for state, item in hidden.items():
            # Case-insensitive: catches the tag only the hidden article has, and slugs.
            assert item["marker"].lower() not in body, (state, url)
            assert item["article"].slug not in body, (state, url)


def _start_urls(site) -> list[str]:
    return [
        "/",
        "/robots.txt",
        "/sitemap.xml",
        "/feed/",
        "/feed/atom/",
        reverse("authors:list"),
        reverse("books:list"),
        reverse("articles:search") + "?q=Quokka",
        reverse("articles:search") + "?q=secret+plans",
        reverse("articles:search") + "?q=harbour",
    ]


def test_hidden_articles_are_nowhere_on_the_public_site(site):
    responses = crawl(Client(), _start_urls(site))
    assert any(url.startswith("/articles/") for url in responses), "the crawl found no articles"
    _assert_absent(responses, site["hidden"])


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_hidden_article_addresses_answer_404(client, site, state):
    item = site["hidden"][state]
    article = item["article"]
    for url in (
        article.get_absolute_url(),
        f"/articles/{article.pk}/",
        f"/preview/{article.pk}/",
        f"/preview/{article.slug}/",
        reverse("authors:detail", kwargs={"slug": item["author"].slug}),
        reverse("articles:author-feed", kwargs={"slug": item["author"].slug}),
    ):
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_hidden_article_tags_and_sections_show_nothing_of_it(client, site, state):
    item = site["hidden"][state]
    article = item["article"]
    tag = article.tags.get(name__startswith="tag-")
    urls = [
        reverse("articles:tag", kwargs={"slug": tag.slug}),
        reverse("articles:tag-feed", kwargs={"slug": tag.slug}),
        article.section.get_absolute_url(),
        reverse("articles:section-feed", kwargs={"slug": article.section.slug}),
        reverse("articles:tag", kwargs={"slug": "harbour"}),
        reverse("articles:tag", kwargs={"slug": "harbour"}) + "?page=2",
        site["live_author"].get_absolute_url(),
        site["live"][0].get_absolute_url(),  # recent articles, JSON-LD
    ]
    responses = {url: client.get(url) for url in urls}
    for url, response in responses.items():
        assert response.status_code in {200, 404}, url
    _assert_absent(responses, {state: item})


def test_admin_needs_a_login(client, site):
    article = site["hidden"]["draft"]["article"]
    for url in (
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_only_authors_with_live_articles_have_pages(client, site):
    author_list = client.get(reverse("authors:list")).content.decode()
    assert site["live_author"].name in author_list
    for item in site["hidden"].values():
        assert item["author"].name not in author_list
    guest = AuthorFactory(name="Never Published")
    assert client.get(guest.get_absolute_url()).status_code == 404
    book_only = AuthorFactory(name="Book Only")
    BookFactory(authors=[book_only])
    assert client.get(book_only.get_absolute_url()).status_code == 404


def test_an_article_becomes_public_at_its_time_and_not_before(client, site):
    """The gate is evaluated at request time (no cron): move the clock, not the data."""
    article = site["hidden"]["scheduled"]["article"]
    assert client.get(article.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 200


STAFF_DOMAIN = "staff.example.org"


def test_no_staff_email_address_in_any_public_output(site):
    """Logins (with their e-mail addresses) are linked to authors and articles; none shows."""
    for author in [site["live_author"], *[item["author"] for item in site["hidden"].values()]]:
        author.user = UserFactory(is_staff=True, email=f"{author.slug}@{STAFF_DOMAIN}")
        author.save()
    creator = UserFactory(is_staff=True)
    assert creator.email.endswith(f"@{STAFF_DOMAIN}")
    Article.objects.update(created_by=creator)
    responses = crawl(Client(), [*_start_urls(site), "/no-such-page/"])
    for url, response in responses.items():
        assert STAFF_DOMAIN not in response.content.decode("utf-8", errors="replace"), url
        for header, value in response.items():
            assert STAFF_DOMAIN not in value, (url, header)
