"""Author pages: who gets one, what it shows, its pagination and its query budget."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import AuthorSummary, Byline
from tests.factories import ArticleFactory, AuthorFactory, BookFactory, image_file
from tests.reader import HIDDEN_STATES, add_byline, hidden_article, page, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return AuthorFactory(
        name="Noor Haddad",
        job_title="Housing correspondent",
        short_bio="Noor reports on rents.",
        long_bio="Noor has covered housing for a decade.\n\nBefore that, Noor taught maths.",
        photo=image_file("noor.jpg", size=(600, 800)),
        x_handle="noorwrites",
        website_url="https://noor.example.org/",
    )


def test_author_page_shows_profile_and_live_articles(client, author):
    now = timezone.now()
    newer = ArticleFactory(headline="Newer story", authors=[author], published_at=now)
    older = ArticleFactory(
        headline="Older story", authors=[author], published_at=now - timedelta(days=3)
    )
    ArticleFactory(headline="Someone else's story")

    doc = page(client.get(author.get_absolute_url()))
    h1s = doc.find_all("h1")
    assert [text(h) for h in h1s] == ["Noor Haddad"]
    assert text(doc.select_one(".profile__job")) == "Housing correspondent"
    paragraphs = [text(p) for p in doc.select(".profile__bio p")]
    assert paragraphs == [
        "Noor has covered housing for a decade.",
        "Before that, Noor taught maths.",
    ]
    photo = doc.select_one(".profile__photo img")
    assert photo["alt"] == "Portrait of Noor Haddad"
    assert photo["fetchpriority"] == "high"
    # A square crop of a portrait upload, never enlarged.
    assert (photo["width"], photo["height"]) == ("192", "192")
    assert [e.split()[-1] for e in photo["srcset"].split(", ")] == ["96w", "192w", "384w"]
    socials = [(text(a), a["href"]) for a in doc.select(".profile .social-links a")]
    assert socials == [
        ("Follow on X @noorwrites", "https://x.com/noorwrites"),
        ("Website", "https://noor.example.org/"),
    ]
    titles = [text(t) for t in doc.select(".author-articles .card__title")]
    assert titles == [newer.headline, older.headline]


def test_author_without_photo_gets_a_placeholder(client):
    author = AuthorFactory(name="Sam Rivers")
    ArticleFactory(authors=[author])
    doc = page(client.get(author.get_absolute_url()))
    placeholder = doc.select_one(".profile__photo .avatar")
    assert placeholder.get_text() == "SR"
    assert placeholder["aria-hidden"] == "true"
    assert not doc.select(".profile__photo img")


def test_article_credited_twice_is_listed_once(client, author):
    article = ArticleFactory(authors=[author])
    add_byline(article, author, Byline.Role.PHOTOS_BY, 1)
    doc = page(client.get(author.get_absolute_url()))
    assert len(doc.select(".author-articles .card")) == 1


@pytest.mark.parametrize("state", sorted(HIDDEN_STATES))
def test_author_with_only_hidden_articles_is_404(client, author, state):
    hidden_article(state, authors=[author])
    assert client.get(author.get_absolute_url()).status_code == 404
    assert author.name not in client.get(reverse("authors:list")).content.decode()


@pytest.mark.parametrize("state", sorted(HIDDEN_STATES))
def test_hidden_articles_are_not_on_the_author_page(client, author, state):
    ArticleFactory(headline="Out in the world", authors=[author])
    hidden_article(state, headline="Not yet public", authors=[author])
    body = client.get(author.get_absolute_url()).content.decode()
    assert "Out in the world" in body
    assert "Not yet public" not in body


def test_author_known_only_from_books_has_no_page(client):
    author = AuthorFactory()
    BookFactory(authors=[author])
    assert client.get(author.get_absolute_url()).status_code == 404


def test_unknown_author_is_404(client):
    assert client.get("/authors/nobody-here/").status_code == 404


def test_author_page_is_paginated(client, settings, author):
    settings.ARTICLES_PER_PAGE = 2
    for n in range(5):
        ArticleFactory(authors=[author], published_at=timezone.now() - timedelta(hours=n))
    first = page(client.get(author.get_absolute_url()))
    assert len(first.select(".author-articles .card")) == 2
    assert first.select_one(".pagination a[rel=next]")["href"] == "?page=2"
    third = client.get(author.get_absolute_url(), {"page": 3})
    assert len(page(third).select(".author-articles .card")) == 1
    assert client.get(author.get_absolute_url(), {"page": 4}).status_code == 404


def test_author_page_lists_their_books(client, author):
    ArticleFactory(authors=[author])
    co_author = AuthorFactory(name="Ines Vale")
    book = BookFactory(title="Streets We Share", authors=[author, co_author])
    doc = page(client.get(author.get_absolute_url()))
    shelf = doc.find(id="author-books-heading").find_parent("section")
    assert text(shelf.select_one("h2")) == "Books by Noor Haddad"
    assert shelf.select_one(".book-card__title a")["href"] == book.get_absolute_url()
    assert text(shelf.select_one(".book-card__credit")) == "Ines Vale and Noor Haddad"


def test_view_all_posts_leads_to_the_author_page(client, author):
    article = ArticleFactory(authors=[author])
    doc = page(client.get(article.get_absolute_url()))
    href = doc.select_one(".author-box__all a")["href"]
    assert href == author.get_absolute_url()
    assert client.get(href).status_code == 200


def test_author_page_query_budget(client, django_assert_max_num_queries, settings, author):
    settings.ARTICLES_PER_PAGE = 30
    others = AuthorFactory.create_batch(3)
    for n in range(32):
        ArticleFactory(authors=[author, *others[: n % 4]], tags=[f"t{n}", "shared"])
    for n in range(6):
        BookFactory(authors=[author, *others[: n % 4]])

    with django_assert_max_num_queries(8):  # 7 before the navigation showed placed pages
        response = client.get(author.get_absolute_url())
    assert response.status_code == 200
    doc = page(response)
    assert len(doc.select(".author-articles .card")) == 30
    assert len(doc.select(".book-card")) == 6


def test_writers_page_lists_only_authors_with_pages(client, django_assert_max_num_queries):
    public = AuthorFactory.create_batch(12)
    for person in public:
        ArticleFactory(authors=[person])
    hidden = AuthorFactory(name="Dora Draft")
    hidden_article("draft", authors=[hidden])

    # 5: refresh_due's check and the paginator's count came with reading the summaries.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("authors:list"))
    doc = page(response)
    links = [a["href"] for a in doc.select(".person__name a")]
    assert sorted(links) == sorted(p.get_absolute_url() for p in public)
    assert "Dora Draft" not in text(doc)


def test_writers_page_is_paginated_alphabetically(client, monkeypatch):
    from authors.views import AuthorListView

    monkeypatch.setattr(AuthorListView, "paginate_by", 5)
    people = [AuthorFactory(name=f"Writer {n:02d}") for n in range(12)]
    for person in people:
        ArticleFactory(authors=[person])

    first = page(client.get(reverse("authors:list")))
    assert [text(a) for a in first.select(".person__name a")] == [
        f"Writer {n:02d}" for n in range(5)
    ]
    assert text(first.select_one(".pagination a[rel=next]")) == "Next →"
    last = page(client.get(reverse("authors:list") + "?page=last"))
    assert [text(a) for a in last.select(".person__name a")] == ["Writer 10", "Writer 11"]
    assert text(last.select_one(".pagination a[rel=prev]")) == "← Previous"
    assert client.get(reverse("authors:list") + "?page=4").status_code == 404


@pytest.mark.parametrize("writers", [5, 40])
def test_writers_page_costs_the_same_whatever_the_number_of_writers(
    client, django_assert_max_num_queries, writers
):
    """Read from the authors' live summaries: no search of the bylines per author."""
    for person in AuthorFactory.create_batch(writers):
        ArticleFactory(authors=[person])
    with django_assert_max_num_queries(5):
        response = client.get(reverse("authors:list"))
    assert len(page(response).select(".person__name a")) == min(writers, 60)


def test_writers_page_follows_publication_and_withdrawal(client):
    """The summaries it reads move with the articles: a scheduled article's author appears
    once it is out, an unpublished article's author leaves."""
    writer = AuthorFactory(name="Ilse Marrow")
    article = ArticleFactory(authors=[writer], published_at=timezone.now() + timedelta(hours=1))
    assert "Ilse Marrow" not in client.get(reverse("authors:list")).content.decode()

    # An hour passes (every stored time moved an hour back): the article comes out without
    # a save, and refresh_due finds it on the next read.
    past = timezone.now() - timedelta(seconds=1)
    type(article).objects.filter(pk=article.pk).update(published_at=past)
    AuthorSummary.objects.filter(author=writer).update(next_scheduled_at=past)
    assert "Ilse Marrow" in client.get(reverse("authors:list")).content.decode()

    article.status = type(article).Status.DRAFT
    article.save()
    assert "Ilse Marrow" not in client.get(reverse("authors:list")).content.decode()
