"""The "Our Books" shelf and each book's page."""

from django.db.models import Exists, OuterRef, Prefetch
from django.views.generic import DetailView, ListView

from articles.models import Article
from authors.models import Author

from .models import Book


def authors_with_page_flag():
    """Authors annotated with ``has_page``: only those with a live article have a page to link."""
    live = Article.objects.live().filter(bylines__author=OuterRef("pk"))
    return Author.objects.annotate(has_page=Exists(live))


class BookListView(ListView):
    """Every book on the shelf, in shelf order."""

    template_name = "books/book_list.html"
    context_object_name = "books"

    def get_queryset(self):
        return Book.objects.on_shelf()


class BookDetailView(DetailView):
    """A book: cover, description, authors (linked when they have a page), where to buy it.

    Books have no draft state; a book taken off the shelf keeps its page (old links work).
    """

    context_object_name = "book"

    def get_queryset(self):
        return Book.objects.prefetch_related(
            Prefetch("authors", queryset=authors_with_page_flag()), "purchase_links"
        )
