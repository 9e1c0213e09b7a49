"""What a book's page tells machines: the schema.org Book and the share card."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from authors.models import Author
from authors.structured_data import person
from images import renditions
from images.sharing import largest_jpeg_rendition
from newsroom import seo
from newsroom import structured_data as ld
from newsroom.page_meta import ShareMeta


def book_image(book) -> seo.ShareImage | None:
    return largest_jpeg_rendition(book, "cover", renditions.COVER, book.cover_alt)


def book_data(book, *, authors_with_pages: set[int]) -> dict:
    """A Book; linked authors are Persons (with a URL when their page is public)."""
    authors = [person(a, url=a.pk in authors_with_pages) for a in book.authors.all()]
    if not authors and book.author_credit:
        authors = [{"@type": "Person", "name": seo.xml_text(book.author_credit)}]
    cover = book_image(book)
    offers = [
        {"@type": "Offer", "url": link.url, "name": link.label}
        for link in book.purchase_links.all()
    ]
    return ld.with_context(
        ld.clean(
            {
                "@type": "Book",
                "@id": seo.absolute_url(book.get_absolute_url()) + "#book",
                "url": seo.absolute_url(book.get_absolute_url()),
                "name": seo.xml_text(book.title),
                "alternativeHeadline": seo.xml_text(book.subtitle),
                "description": seo.describe(book.description),
                "author": authors,
                "isbn": book.isbn,
                "publisher": (
                    {"@type": "Organization", "name": book.publisher} if book.publisher else None
                ),
                "datePublished": str(book.year) if book.year else None,
                "image": cover.url if cover else None,
                "offers": offers,
            }
        )
    )


def _authors_with_pages(book) -> set[int]:
    """Which of the book's authors have a public page to link to."""
    linked = list(book.authors.all())
    if all(hasattr(author, "has_page") for author in linked):
        # The book view annotates each author with has_page: no extra query.
        return {author.pk for author in linked if author.has_page}
    live = Author.objects.with_live_articles().filter(pk__in=[a.pk for a in linked])
    return set(live.values_list("pk", flat=True)) if linked else set()


def book_share_meta(book) -> ShareMeta:
    """The book page's share card (a book), its authors' pages and JSON-LD."""
    name = settings.SITE_NAME
    with_pages = _authors_with_pages(book)
    og_extra = []
    if book.isbn:
        og_extra.append(("book:isbn", book.isbn))
    if book.year:
        og_extra.append(("book:release_date", str(book.year)))
    og_extra += [
        ("book:author", seo.absolute_url(author.get_absolute_url()))
        for author in book.authors.all()
        if author.pk in with_pages
    ]
    return ShareMeta(
        description=seo.describe(book.description or book.subtitle or f"{book.title}, on {name}."),
        path=book.get_absolute_url(),
        og_type="book",
        image=book_image(book),
        og_extra=og_extra,
        json_ld=[
            book_data(book, authors_with_pages=with_pages),
            ld.breadcrumbs(
                [
                    ld.home_crumb(),
                    ("Our Books", seo.absolute_url(reverse("books:list"))),
                    (book.title, seo.absolute_url(book.get_absolute_url())),
                ]
            ),
        ],
    )
