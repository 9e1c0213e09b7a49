"""The "Our Books" shelf as a block any page can include.

Two queries (books, their authors) when it is rendered; it is a shared fragment
(caching/fragments.py), so with the fragment cache on a page that finds it stored runs none.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from books.models import Book
from caching import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def our_books(context, heading_level: int = 2, heading_id: str = "our-books"):
    """A part of assembled pages (caching/assembly.py): stored apart, under its own tags."""
    html = fragments.part(context.get("request"), "our-books", (heading_level, heading_id))
    return mark_safe(html)  # rendered (and escaped) by the template below


@fragments.register_part("our-books")
def _our_books(heading_level: int, heading_id: str) -> str:
    return render_to_string(
        "includes/_our_books.html",
        {
            "books": list(Book.objects.on_shelf()),
            "heading_level": heading_level,
            "heading_id": heading_id,
        },
    )
