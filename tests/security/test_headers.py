"""Security headers on every kind of answer, and pages a strict CSP can run unchanged."""

import base64
import hashlib
import re

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, AuthorFactory, BookFactory, UserFactory

from .helpers import Page, assert_page_runs_no_injected_script

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    assert header, f"no Content-Security-Policy on {response.status_code} {response}"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


@pytest.fixture
def site():
    author = AuthorFactory(name="Mira Okafor")
    article = ArticleFactory(authors=[author], tags=["housing"])
    book = BookFactory(authors=[author])
    return {"article": article, "author": author, "book": book}


def public_pages(site) -> list[str]:
    article = site["article"]
    return [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "housing"}),
        site["author"].get_absolute_url(),
        reverse("authors:list"),
        reverse("books:list"),
        site["book"].get_absolute_url(),
        reverse("articles:search") + "?q=council",
    ]


def assert_strict_headers(response):
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def assert_strict_csp(response):
    policy = csp_directives(response)
    for directive in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in policy.get(directive, []), directive
        assert "'unsafe-eval'" not in policy.get(directive, []), directive
    assert policy["script-src"][0] == "'self'"
    assert not any(source in {"*", "http:", "https:", "data:"} for source in policy["script-src"])
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_public_pages_send_a_strict_policy_and_need_nothing_looser(client, site):
    """Every public page: strict headers, and markup that runs under them as written.

    A page with an inline script, an ``on…`` attribute or a ``style`` attribute would be
    broken by the policy, so the pages must not have any.
    """
    for url in public_pages(site):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_headers(response)
        assert_strict_csp(response)
        page = assert_page_runs_no_injected_script(response.content.decode())
        styled = [element for element in page.elements if "style" in element.attrs]
        assert styled == [], (url, styled[:3])
        assert page.all("style") == [], url


@pytest.mark.parametrize(
    "url, status",
    [
        ("/articles/no-such-article/", 404),
        ("/?page=999", 404),
        ("/healthz", 200),
        ("/admin/login/", 200),
    ],
)
def test_headers_on_other_answers(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert_strict_headers(response)
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]


def test_bad_request_page_has_the_headers(client):
    """A bad Host is refused before X-Frame-Options runs; CSP frame-ancestors covers it."""
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/sitemap.xml", "/robots.txt"])
def test_machine_readable_answers_are_not_sniffed(client, site, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response["Content-Type"].startswith("text/html")


def test_cached_pages_keep_their_headers(client, settings, site):
    """A page served from the page cache carries the same policy as a freshly built one."""
    if not hasattr(settings, "PAGE_CACHE_ENABLED"):
        pytest.skip("no page cache configured")
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_STATE_ALIAS = "default"
    url = site["article"].get_absolute_url()
    first = client.get(url)
    second = client.get(url)
    assert second.get("X-Page-Cache") == "HIT"
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert second[header] == first[header], header


def test_admin_allows_only_its_import_map_by_hash(client):
    """The admin editor's import map is allowed by its SHA-256, not by 'unsafe-inline'."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    policy = csp_directives(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    page = Page(response.content.decode())
    inline = [
        script
        for script in page.all("script")
        if "src" not in script.attrs
        and script.attrs.get("type", "").lower() not in {"application/json", "application/ld+json"}
    ]
    allowed = set(policy["script-src"])
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, script.attrs
    hashes = [source for source in policy["script-src"] if source.startswith("'sha256-")]
    assert len(hashes) == len(inline)


def test_admin_pages_have_no_event_handler_attributes(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    article = ArticleFactory()
    for url in (
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[article.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        for element in Page(response.content.decode()).elements:
            handlers = [name for name in element.attrs if re.match(r"on[a-z]+$", name)]
            assert handlers == [], (url, element.tag, handlers)
