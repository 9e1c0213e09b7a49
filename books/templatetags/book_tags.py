"""The "Our Books" shelf as a block any page can include (two queries: books, authors)."""

from django import template

from books.models import Book

register = template.Library()


@register.inclusion_tag("includes/_our_books.html")
def our_books(heading_level: int = 2, heading_id: str = "our-books"):
    return {
        "books": list(Book.objects.on_shelf()),
        "heading_level": heading_level,
        "heading_id": heading_id,
    }
