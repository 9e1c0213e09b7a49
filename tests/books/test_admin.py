"""Books in the admin: editors can add them, errors are clear, saves are revisions."""

import pytest
from django.urls import reverse
from reversion.models import Version

from books.models import Book
from tests.articles.workflow_helpers import staff_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(staff_in("Editor"))
    return client


def _book_post(**overrides):
    data = {
        "title": "Tides of the City",
        "subtitle": "",
        "slug": "tides-of-the-city",
        "author_credit": "",
        "description": "Essays on harbours.",
        "publisher": "Newsroom Press",
        "year": "2023",
        "isbn": "978-0-306-40615-7",
        "shelf_position": "1",
        "is_on_shelf": "on",
        "purchase_links-TOTAL_FORMS": "1",
        "purchase_links-INITIAL_FORMS": "0",
        "purchase_links-MIN_NUM_FORMS": "0",
        "purchase_links-MAX_NUM_FORMS": "1000",
        "purchase_links-0-label": "Buy from the publisher",
        "purchase_links-0-url": "shop.example.org/tides",
        "purchase_links-0-position": "0",
    }
    data.update(overrides)
    return data


def test_editor_adds_a_book_with_a_purchase_link_as_a_revision(editor_client):
    response = editor_client.post(reverse("admin:books_book_add"), _book_post())
    assert response.status_code == 302, response.context["adminform"].errors
    book = Book.objects.get(slug="tides-of-the-city")
    assert book.isbn == "9780306406157"
    assert book.purchase_links.get().url == "https://shop.example.org/tides"
    assert Version.objects.get_for_object(book).count() == 1


def test_bad_isbn_is_a_form_error_and_nothing_is_saved(editor_client):
    response = editor_client.post(
        reverse("admin:books_book_add"), _book_post(isbn="978-0-306-40615-8")
    )
    assert response.status_code == 200
    assert "not a valid ISBN" in response.content.decode()
    assert not Book.objects.exists()
