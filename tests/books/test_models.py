import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from books.isbn import is_valid_isbn
from books.models import Book
from tests.factories import AuthorFactory, BookFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("isbn", "valid"),
    [
        ("978-0-306-40615-7", True),
        ("9780306406157", True),
        ("0-306-40615-2", True),
        ("080442957X", True),
        ("9780306406158", False),
        ("0306406153", False),
        ("12345", False),
        ("", False),
    ],
)
def test_isbn_checksum(isbn, valid):
    assert is_valid_isbn(isbn) is valid


def test_isbn_is_normalised_and_validated():
    book = BookFactory(isbn="978-0-306-40615-7")
    assert book.isbn == "9780306406157"
    book.isbn = "9780306406158"
    with pytest.raises(ValidationError) as excinfo:
        book.full_clean()
    assert "isbn" in excinfo.value.message_dict


def test_year_must_be_plausible():
    with pytest.raises(IntegrityError), transaction.atomic():
        BookFactory(year=3000)


def test_shelf_shows_only_marked_books_in_shelf_order():
    third = BookFactory(title="C", shelf_position=3)
    first = BookFactory(title="A", shelf_position=1)
    BookFactory(title="Hidden", shelf_position=0, is_on_shelf=False)
    second = BookFactory(title="B", shelf_position=2)
    assert list(Book.objects.on_shelf()) == [first, second, third]


def test_credit_prefers_free_text_then_authors():
    ada, bo = AuthorFactory(name="Ada"), AuthorFactory(name="Bo")
    assert BookFactory(authors=[ada, bo]).credit == "Ada and Bo"
    assert BookFactory(authors=[ada], author_credit="Ada and friends").credit == "Ada and friends"


def test_slug_and_url():
    book = BookFactory(title="Streets We Share")
    assert book.get_absolute_url() == "/books/streets-we-share/"
