"""Odd and hostile URLs get a clear 4xx (or an ordinary page), never a 500."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A client that returns 500 answers instead of raising, so the test can assert on them."""
    return Client(raise_request_exception=False)


@pytest.fixture
def site():
    author = AuthorFactory(name="Oren Vasquez")
    article = ArticleFactory(authors=[author], tags=["transport"])
    return {"article": article, "author": author}


def paginated_urls(site) -> list[str]:
    article = site["article"]
    return [
        "/",
        article.section.get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "transport"}),
        site["author"].get_absolute_url(),
        reverse("articles:search") + "?q=council&",
        reverse("authors:list"),
    ]


# Lists short enough to need no pages: ?page= is ignored, which is fine too.
UNPAGINATED = [reverse("books:list")]

BAD_PAGES = [
    "0",
    "-1",
    "abc",
    "1.5",
    "1e3",
    "999999",
    "9" * 400,
    "%00",
    "1%00",
    "%F0%9F%98%80",
    "1;DROP TABLE articles_article",
    "%D9%A2",  # an Arabic-Indic digit two (Python's int() reads it; there is no page 2)
]


@pytest.mark.parametrize("page", BAD_PAGES)
def test_bad_page_numbers_are_a_clear_404(client, site, page):
    for url in paginated_urls(site):
        separator = "&" if "?" in url else "?"
        response = client.get(f"{url}{separator}page={page}")
        assert response.status_code == 404, (url, page, response.status_code)
    for url in UNPAGINATED:
        assert client.get(f"{url}?page={page}").status_code in {200, 404}, url


@pytest.mark.parametrize("page", ["", "1", "last", "1&page=2"])
def test_harmless_page_values_still_answer(client, site, page):
    for url in paginated_urls(site):
        separator = "&" if "?" in url else "?"
        response = client.get(f"{url}{separator}page={page}")
        assert response.status_code in {200, 404}, (url, page)


QUERIES = {
    "empty": "",
    "spaces": "   ",
    "5000-characters": "budget " * 714 + "x",
    "50000-characters": "a" * 50_000,
    "nul": "council\x00vote",
    "markup": '<script>alert(1)</script><img src=x onerror=alert(2)>"',
    "tsquery-operators": "budget & | ! <-> :* ( ) council:*",
    "unbalanced-quotes": '"budget council',
    "websearch-syntax": '"council vote" -budget or housing',
    "backslashes": "\\\\ \\' \\",
    "sql": "' OR 1=1 --",
    "percent": "100% _ %",
    "emoji": "\U0001f600\U0001f4f0",
    "rtl": "\u202ecouncil\u202c",
    "combining": "e\u0301" * 500,
    "control": "\x01\x02\x1f\x7f",
    "lone-surrogate-escape": "%ED%A0%80",
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_odd_search_queries_get_an_escaped_answer(client, site, query):
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code in {200, 400}, response.status_code
    body = response.content.decode()
    assert "<script>alert(1)" not in body
    assert "onerror=alert(2)" not in body or "&lt;img" in body


def test_raw_invalid_utf8_in_the_query(client, site):
    response = client.get(reverse("articles:search") + "?q=%FF%FE%ED%A0%80&page=%FF")
    assert response.status_code in {200, 400, 404}


UNKNOWN = [
    "/articles/no-such-article/",
    "/articles/NO-SUCH-ARTICLE/",
    "/articles/%E2%80%AEevil/",
    "/sections/no-such-section/",
    "/tags/no-such-tag/",
    "/tags/%00/",
    "/tags/%00/feed/",
    "/preview/%00/",
    "/tags/%2e%2e/",
    "/authors/no-such-author/",
    "/books/no-such-book/",
    "/sections/no-such-section/feed/",
    "/authors/no-such-author/feed/",
    "/tags/no-such-tag/feed/",
    "/sitemaps/no-such-sitemap.xml",
    "/preview/not-a-real-token/",
    "/preview/" + "A" * 2000 + "/",
    "/articles/%2e%2e/%2e%2e/etc/passwd",
    "/static/../../etc/passwd",
    "/media/../settings.py",
    "/articles/..%2F..%2Fnewsroom%2Fsettings.py",
    "/%00",
    "/articles/%00/",
    "/%FF%FE/",
    "/wp-login.php",
    "/.env",
    "/.git/config",
]


@pytest.mark.parametrize("url", UNKNOWN)
def test_unknown_addresses_are_404(client, url):
    response = client.get(url)
    assert response.status_code in {400, 404}, (url, response.status_code)


@pytest.mark.parametrize("length", [300, 2_000, 10_000, 60_000])
@pytest.mark.parametrize("prefix", ["/", "/articles/", "/tags/", "/authors/", "/books/"])
def test_over_long_paths_are_a_4xx(client, prefix, length):
    response = client.get(prefix + "a" * length + "/")
    assert 400 <= response.status_code < 500, response.status_code


def test_over_long_admin_path_sends_anonymous_readers_to_sign_in(client):
    response = client.get("/admin/" + "a" * 10_000 + "/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/")


def test_over_long_slug_of_a_real_prefix(client, site):
    slug = site["article"].slug
    response = client.get(f"/articles/{slug}{'-x' * 5000}/")
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_public_pages_refuse_other_methods(client, site, method):
    # (Django's feeds answer every method with the same read-only document; harmless.)
    for url in ["/", site["article"].get_absolute_url(), site["author"].get_absolute_url()]:
        response = getattr(client, method)(url)
        assert response.status_code in {403, 405}, (method, url, response.status_code)


def test_trace_and_options_are_harmless(client, site):
    url = site["article"].get_absolute_url()
    assert client.generic("TRACE", url).status_code in {403, 405}
    assert client.options(url).status_code in {200, 204, 405}


def test_hostile_query_strings_on_pages(client, site):
    url = site["article"].get_absolute_url()
    for query in [
        "?" + "a=1&" * 2000,
        "?utm_source=" + quote("<script>alert(1)</script>"),
        "?next=//evil.example",
        "?%00=%00",
    ]:
        response = client.get(url + query)
        assert response.status_code in {200, 400}, (query[:40], response.status_code)
        assert b"<script>alert(1)" not in response.content
        assert b"evil.example" not in response.content
