"""What every public page shares: landmarks, one h1, headings in order, a skip link, alt text,
no inline script or style (CSP), and error pages in the site's design."""

import re

import pytest
from django.db import connection
from django.template import loader
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsroom import views as error_views
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BookFactory,
    SectionFactory,
    image_file,
)
from tests.reader import page, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    section = SectionFactory(name="Cities")
    author = AuthorFactory(
        name="Noor Haddad", photo=image_file("n.jpg", size=(300, 300)), x_handle="noor"
    )
    book = BookFactory(
        title="Streets We Share", authors=[author], cover=image_file("c.jpg", size=(300, 450))
    )
    for n in range(3):
        ArticleFactory(
            section=section,
            authors=[author],
            featured_image=image_file(f"o{n}.jpg", size=(600, 400)),
            featured_image_alt=f"A street scene, view {n}",
        )
    article = ArticleFactory(
        section=section,
        authors=[author],
        tags=["housing"],
        body="<p>Intro.</p><h2>Part one</h2><p>Text.</p><h3>Detail</h3><p>More.</p>",
        featured_image=image_file("lead.jpg", size=(800, 500)),
        featured_image_alt="Residents around a table",
    )
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "section": section.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": "housing"}),
        "author": author.get_absolute_url(),
        "authors": reverse("authors:list"),
        "books": reverse("books:list"),
        "book": book.get_absolute_url(),
        "404": "/no-such-page/",
    }


PAGES = ["home", "article", "section", "tag", "author", "authors", "books", "book", "404"]


@pytest.mark.parametrize("name", PAGES)
def test_page_structure(client, site, name):
    response = client.get(site[name])
    assert response.status_code == (404 if name == "404" else 200)
    doc = page(response)

    # Landmarks: one banner, main and contentinfo; navigation is labelled.
    body = doc.body
    assert len(body.find_all("header", recursive=False)) == 1
    assert len(body.find_all("main", recursive=False)) == 1
    assert len(body.find_all("footer", recursive=False)) == 1
    assert all(nav.get("aria-label") for nav in doc.find_all("nav"))
    main = doc.find("main")
    assert main["id"] == "main"
    # The skip link is the first thing in the body and leads to main.
    first_link = body.find("a")
    assert first_link["href"] == "#main"
    assert text(first_link) == "Skip to main content"

    # One h1, inside main; headings never skip a level on the way down.
    h1s = doc.find_all("h1")
    assert len(h1s) == 1
    assert h1s[0].find_parent("main") is main
    levels = [int(h.name[1]) for h in doc.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels[0] == 1
    for previous, current in zip(levels, levels[1:], strict=False):
        assert current <= previous + 1, f"h{previous} is followed by h{current}"

    # Every image has alt text (empty only when decorative) and dimensions.
    for img in doc.find_all("img"):
        assert img.has_attr("alt"), img
        assert img.has_attr("width") and img.has_attr("height"), img

    # Machine-readable times: ISO 8601 to the second (HTML allows at most 3 fraction digits).
    for time in doc.find_all("time"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", time["datetime"])

    # Nothing a strict Content-Security-Policy would block.
    for script in doc.find_all("script"):
        assert script.get("src") or script.get("type") == "application/ld+json", script
    for element in doc.find_all(True):
        assert not element.has_attr("style"), element.name
        assert not [attr for attr in element.attrs if attr.startswith("on")], element.name
    assert not doc.find_all("style")

    # Ids are unique (labels and aria-labelledby point at one element).
    ids = [element["id"] for element in doc.find_all(id=True)]
    assert len(ids) == len(set(ids))
    for element in doc.find_all(attrs={"aria-labelledby": True}):
        assert doc.find(id=element["aria-labelledby"]) is not None

    # The language is declared; the stylesheet is ours.
    assert doc.html["lang"] == "en"
    sheets = [link["href"] for link in doc.find_all("link", rel="stylesheet")]
    assert any(href.endswith("css/site.css") for href in sheets)
    assert not [href for href in sheets if href.startswith(("http:", "https:", "//"))]


def test_navigation_lists_sections_in_order(client):
    SectionFactory(name="Opinion", position=2)
    SectionFactory(name="News", position=1)
    SectionFactory(name="Analysis", position=2)
    doc = page(client.get("/"))
    items = [text(a) for a in doc.select(".site-nav a")]
    assert items == ["Home", "News", "Analysis", "Opinion", "Our Books"]
    assert doc.select_one(".site-nav [aria-current=page]")["href"] == "/"


def test_404_page_is_helpful(client):
    ArticleFactory(headline="Something to read instead")
    response = client.get("/articles/missing/")
    assert response.status_code == 404
    doc = page(response)
    assert text(doc.find("h1")) == "We can’t find that page"
    assert doc.select_one(".error-page a.button")["href"] == "/"
    assert "Something to read instead" in text(doc.select_one(".recent"))
    assert doc.select(".site-nav a")


def test_500_page_renders_without_request_or_database():
    with CaptureQueriesContext(connection) as queries:
        html = loader.get_template("500.html").render()
    assert len(queries) == 0
    doc = page(type("R", (), {"content": html.encode()}))
    assert text(doc.find("h1")) == "Something went wrong on our side"
    assert doc.select_one("a.skip-link")["href"] == "#main"
    assert doc.find("main")


def test_server_error_handler(settings):
    settings.SITE_NAME = "The Harbour Review"
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries:
        response = error_views.server_error(request)
    assert len(queries) == 0
    assert response.status_code == 500
    assert response["Content-Type"] == "text/html; charset=utf-8"
    doc = page(response)
    assert text(doc.find("title")) == "Something went wrong · The Harbour Review"
    assert text(doc.select_one(".wordmark")) == "The Harbour Review"


def test_server_error_handler_survives_a_broken_template(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template loader is down")

    monkeypatch.setattr(error_views.loader, "get_template", broken)
    response = error_views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Please try again later" in response.content


def test_bad_request_page(client, settings):
    """A request for a host we do not serve is answered by our 400 page."""
    settings.ALLOWED_HOSTS = ["news.example.org"]
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    doc = page(response)
    assert text(doc.find("h1")) == "We couldn’t understand that request"


def test_error_handlers_are_installed():
    from newsroom import urls

    assert urls.handler400 == "newsroom.views.bad_request"
    assert urls.handler404 == "newsroom.views.page_not_found"
    assert urls.handler500 == "newsroom.views.server_error"


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/", 200), ("/?page=abc", 404), ("/articles/x/", 404), ("/sections/x/", 404)],
)
def test_no_page_answers_500(client, path, expected):
    ArticleFactory()
    assert client.get(path).status_code == expected
