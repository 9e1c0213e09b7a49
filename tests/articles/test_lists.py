"""The home, section and tag pages: the public gate on every list, pagination's 404s, and
pinned query budgets that stay flat as rows grow."""

from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BookFactory,
    SectionFactory,
    image_file,
)
from tests.reader import HIDDEN_STATES, hidden_article, page, text

pytestmark = pytest.mark.django_db

SITE_URL = "https://news.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def get_article(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return page(response)


# ---------- The public gate and 404s ----------


@pytest.mark.parametrize("state", sorted(HIDDEN_STATES))
def test_hidden_articles_answer_404(client, state):
    article = hidden_article(state)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert article.headline not in response.content.decode()


@pytest.mark.parametrize("state", sorted(HIDDEN_STATES))
def test_hidden_articles_are_absent_from_every_list(client, state):
    section = SectionFactory(name="Gatekeeping")
    author = AuthorFactory(name="Gail Gate")
    visible = ArticleFactory(
        headline="The visible story", section=section, authors=[author], tags=["gate"]
    )
    hidden = hidden_article(
        state, headline="The hidden story", section=section, authors=[author], tags=["gate"]
    )
    pages = [
        "/",
        section.get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "gate"}),
        author.get_absolute_url(),
        visible.get_absolute_url(),  # its Recent Articles block
        reverse("books:list"),
        "/no-such-page/",
    ]
    for path in pages:
        body = client.get(path).content.decode()
        assert hidden.headline not in body, path
        assert hidden.get_absolute_url() not in body, path


def test_unknown_article_is_404_with_the_site_design(client):
    response = client.get("/articles/no-such-story/")
    assert response.status_code == 404
    doc = page(response)
    assert text(doc.find("h1")) == "We can’t find that page"
    assert doc.select_one("a.skip-link")["href"] == "#main"


# ---------- Home ----------


def test_home_shows_the_lead_story_then_the_latest(client, settings):
    settings.ARTICLES_PER_PAGE = 6
    now = timezone.now()
    stories = [
        ArticleFactory(headline=f"Story {n}", published_at=now - timedelta(hours=n))
        for n in range(8)
    ]
    stories[0].featured_image = image_file("lead.jpg", size=(1200, 800))
    stories[0].featured_image_alt = "Harbour cranes at dawn"
    stories[0].save()

    doc = page(client.get("/"))
    assert len(doc.find_all("h1")) == 1
    lead = doc.select_one(".front__lead .card")
    assert text(lead.select_one(".card__title")) == "Story 0"
    assert lead.select_one("img")["fetchpriority"] == "high"
    secondary = [text(t) for t in doc.select(".front__secondary .card__title")]
    assert secondary == ["Story 1", "Story 2"]
    latest = [text(t) for t in doc.select(".latest .card__title")]
    assert latest == ["Story 3", "Story 4", "Story 5"]

    doc2 = page(client.get("/?page=2"))
    assert not doc2.select(".front")
    assert [text(t) for t in doc2.select(".latest .card__title")] == ["Story 6", "Story 7"]
    assert doc2.select_one(".pagination a[rel=prev]")["href"] == "/"


def test_home_with_nothing_published(client):
    hidden_article("draft")
    response = client.get("/")
    assert response.status_code == 200
    assert "Nothing has been published yet" in response.content.decode()


BAD_PAGES = ["abc", "0", "-1", "99999", "1.5", "1e3", "9" * 30, "9" * 5000, " ", "2?"]


@pytest.mark.parametrize("number", BAD_PAGES)
@pytest.mark.parametrize("path", ["/", "section", "tag", "author"])
def test_a_page_that_is_not_a_page_is_404(client, path, number):
    section = SectionFactory(name="Paged")
    author = AuthorFactory()
    ArticleFactory(section=section, authors=[author], tags=["paged"])
    url = {
        "/": "/",
        "section": section.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": "paged"}),
        "author": author.get_absolute_url(),
    }[path]

    response = client.get(url, {"page": number})
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


@pytest.mark.parametrize("number", ["1", "2", "last"])
def test_real_page_numbers_work(client, settings, number):
    settings.ARTICLES_PER_PAGE = 2
    for _ in range(3):
        ArticleFactory()
    assert client.get("/", {"page": number}).status_code == 200


def test_pagination_links(client, settings):
    settings.ARTICLES_PER_PAGE = 1
    for _ in range(9):
        ArticleFactory()
    doc = page(client.get("/?page=5"))
    nav = doc.select_one("nav.pagination")
    assert nav["aria-label"] == "Pages"
    assert nav.select_one("a[rel=prev]")["href"] == "?page=4"
    assert nav.select_one("a[rel=next]")["href"] == "?page=6"
    assert text(nav.select_one("[aria-current=page]")) == "Page 5"
    numbers = [text(li) for li in nav.select(".pagination__pages li")]
    assert numbers == ["Page 1", "…", "Page 4", "Page 5", "Page 6", "…", "Page 9"]


# ---------- Section and tag pages ----------


def test_section_page_lists_only_its_live_articles(client):
    cities = SectionFactory(name="Cities", description="How cities change.")
    ours = ArticleFactory(headline="In the section", section=cities)
    ArticleFactory(headline="Elsewhere", section=SectionFactory(name="Opinion"))

    doc = page(client.get(cities.get_absolute_url()))
    assert text(doc.find("h1")) == "Cities"
    assert "How cities change." in text(doc.select_one(".page-header"))
    assert [text(t) for t in doc.select(".card__title")] == [ours.headline]
    nav_current = doc.select_one(".site-nav [aria-current=page]")
    assert nav_current["href"] == cities.get_absolute_url()


def test_empty_section_still_has_a_page(client):
    section = SectionFactory(name="Quiet")
    hidden_article("draft", section=section)
    response = client.get(section.get_absolute_url())
    assert response.status_code == 200
    assert "Nothing has been published in Quiet yet." in response.content.decode()


@pytest.mark.parametrize("path", ["/sections/nope/", "/tags/nope/", "/articles/nope/"])
def test_unknown_slugs_are_404(client, path):
    assert client.get(path).status_code == 404


def test_tag_page_lists_tagged_live_articles(client):
    tagged = ArticleFactory(headline="Tagged story", tags=["Trams"])
    ArticleFactory(headline="Untagged story")

    doc = page(client.get(reverse("articles:tag", kwargs={"slug": "trams"})))
    assert text(doc.find("h1")) == "Trams"
    assert [text(t) for t in doc.select(".card__title")] == [tagged.headline]


def test_tag_with_only_hidden_articles_is_404(client):
    hidden_article("draft", tags=["secret plans"])
    assert client.get(reverse("articles:tag", kwargs={"slug": "secret-plans"})).status_code == 404


def test_unicode_tag_slugs_work(client):
    article = ArticleFactory(tags=["Zürich"])
    doc = get_article(client, article)
    href = doc.select_one(".topics__list a")["href"]
    assert unquote(urlsplit(href).path) == "/tags/zürich/"
    assert client.get(href).status_code == 200


# ---------- Query budgets ----------


def _many_articles(count: int, *, section=None, tag="budget"):
    authors = [AuthorFactory() for _ in range(4)]
    made = []
    for n in range(count):
        options = {"section": section} if section else {}
        made.append(
            ArticleFactory(authors=authors[: 1 + n % 4], tags=[tag, f"t{n}", f"u{n}"], **options)
        )
    for article in made[:3]:
        article.featured_image = image_file("b.jpg", size=(480, 320))
        article.featured_image_alt = "A budget photograph"
        article.save()
    return made


@pytest.mark.parametrize("path", ["home", "section", "tag"])
def test_list_pages_query_budget_is_flat(client, django_assert_max_num_queries, settings, path):
    settings.ARTICLES_PER_PAGE = 30
    section = SectionFactory(name="Budget")
    _many_articles(32, section=section)
    BookFactory.create_batch(5)
    url = {
        "home": "/",
        "section": section.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": "budget"}),
    }[path]

    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert len(page(response).select("article.card")) == 30


def test_live_queryset_is_the_views_gate():
    """Every article view starts from the mixin's queryset (and so from ``live()``)."""
    from articles import views

    hidden_article("draft")
    live = ArticleFactory()
    for view in (views.HomeView, views.ArticleDetailView, views.SectionView, views.TagView):
        assert issubclass(view, views.LiveArticleMixin)
    assert list(views.LiveArticleMixin().get_queryset()) == [live]
    assert list(Article.objects.live()) == [live]


# --- Deep pages ---------------------------------------------------------------------------


def test_lists_stop_at_a_bound_with_a_clear_page(client, settings):
    """Past LIST_MAX_PAGES a list answers a 404 that says why (an OFFSET and a count that
    grow with the archive are what made deep pages slow); ``?page=last`` is the bound."""
    settings.ARTICLES_PER_PAGE = 2
    settings.LIST_MAX_PAGES = 2
    ArticleFactory.create_batch(7)
    home = reverse("articles:home")
    assert client.get(home, {"page": 2}).status_code == 200
    last = client.get(home, {"page": "last"})
    assert last.status_code == 200 and last.context["page_obj"].number == 2
    beyond = client.get(home, {"page": 3})
    assert beyond.status_code == 404
    assert "Our lists of articles stop before this page" in beyond.content.decode()
