"""The "Our Books" shelf page and each book's page."""

import pytest
from django.urls import reverse

from books.models import PurchaseLink
from tests.factories import ArticleFactory, AuthorFactory, BookFactory, image_file
from tests.reader import hidden_article, page, text

pytestmark = pytest.mark.django_db


def test_shelf_page_lists_shelf_books_in_order(client):
    second = BookFactory(title="Second", shelf_position=2)
    first = BookFactory(title="First", shelf_position=1)
    BookFactory(title="Backlist", is_on_shelf=False)

    doc = page(client.get(reverse("books:list")))
    assert [text(h) for h in doc.find_all("h1")] == ["Our Books"]
    titles = [text(t) for t in doc.select(".book-card__title")]
    assert titles == ["First", "Second"]
    hrefs = [a["href"] for a in doc.select(".book-card__title a")]
    assert hrefs == [first.get_absolute_url(), second.get_absolute_url()]


def test_empty_shelf(client):
    response = client.get(reverse("books:list"))
    assert response.status_code == 200
    assert "No books on the shelf yet." in response.content.decode()


def test_shelf_page_query_budget(client, django_assert_max_num_queries):
    authors = AuthorFactory.create_batch(4)
    for n in range(20):
        BookFactory(authors=authors[: 1 + n % 4])

    with django_assert_max_num_queries(4):
        response = client.get(reverse("books:list"))
    assert len(page(response).select(".book-card")) == 20


@pytest.fixture
def book():
    with_page = AuthorFactory(name="Ada Page")
    ArticleFactory(authors=[with_page])
    without_page = AuthorFactory(name="Ben Nopage")
    hidden_article("draft", authors=[without_page])
    book = BookFactory(
        title="Streets We Share",
        subtitle="Essays on neighbourhood life",
        description="First paragraph.\n\nSecond paragraph.",
        publisher="Harbour Press",
        year=2024,
        isbn="978-0-306-40615-7",
        cover=image_file("cover.jpg", size=(600, 900)),
        authors=[with_page, without_page],
    )
    PurchaseLink.objects.create(
        book=book, label="Buy the e-book", url="https://e.example/b", position=5
    )
    return book


def test_book_page_shows_everything(client, book):
    doc = page(client.get(book.get_absolute_url()))

    assert [text(h) for h in doc.find_all("h1")] == ["Streets We Share"]
    assert text(doc.select_one(".book__subtitle")) == "Essays on neighbourhood life"
    assert [text(p) for p in doc.select(".book__description p")] == [
        "First paragraph.",
        "Second paragraph.",
    ]
    authors = doc.select_one(".book__authors")
    assert text(authors) == "By Ada Page and Ben Nopage"
    # Only an author with a public page is linked (the other would be a 404).
    assert [a.get_text() for a in authors.find_all("a")] == ["Ada Page"]
    details = {text(d.find("dt")): text(d.find("dd")) for d in doc.select(".book__details div")}
    assert details == {"Publisher": "Harbour Press", "Published": "2024", "ISBN": book.isbn}
    links = [(text(a), a["href"]) for a in doc.select(".book__buy a")]
    assert links == [
        ("Buy from the publisher", "https://shop.example.org/b"),
        ("Buy the e-book", "https://e.example/b"),
    ]
    cover = doc.select_one(".book__cover img")
    assert cover["alt"] == "Cover of Streets We Share"
    assert cover["fetchpriority"] == "high"
    assert (cover["width"], cover["height"]) == ("320", "480")
    assert [e.split()[-1] for e in cover["srcset"].split(", ")] == ["160w", "320w", "600w"]


def test_book_with_a_free_text_credit(client):
    book = BookFactory(author_credit="Edited by Helen Marsh", authors=[AuthorFactory()])
    doc = page(client.get(book.get_absolute_url()))
    assert text(doc.select_one(".book__authors")) == "Edited by Helen Marsh"
    assert doc.select_one(".book__cover .cover-placeholder")["aria-hidden"] == "true"


def test_book_off_the_shelf_keeps_its_page(client):
    book = BookFactory(is_on_shelf=False)
    assert client.get(book.get_absolute_url()).status_code == 200


def test_unknown_book_is_404(client):
    assert client.get("/books/no-such-book/").status_code == 404


def test_book_page_query_budget(client, django_assert_max_num_queries, book):
    extra = AuthorFactory.create_batch(6)
    book.authors.add(*extra)
    for n in range(6):
        PurchaseLink.objects.create(book=book, label=f"Shop {n}", url=f"https://s{n}.example/")

    with django_assert_max_num_queries(5):
        response = client.get(book.get_absolute_url())
    assert len(page(response).select(".book__buy a")) == 8
