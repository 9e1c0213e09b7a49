"""schema.org JSON-LD for public pages, built as plain dicts and serialised safely.

Search engines read these blocks to show rich results. Everything here is data about
objects that already passed the public gate (the views hand over live articles only).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from . import seo

SCHEMA = "https://schema.org"

# The escapes of django.utils.html.json_script, plus the two line separators some older
# parsers choke on: "</script>" or "<!--" inside a headline can never end the block early.
_JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(data: dict) -> str:
    """``data`` as JSON that is safe to place inside a <script> element."""
    return json.dumps(data, default=_default, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)


def script(data: dict) -> SafeString:
    """A ``<script type="application/ld+json">`` block for ``data`` (escaped as above)."""
    return mark_safe(f'<script type="application/ld+json">{to_json(data)}</script>')  # noqa: S308


def _clean(data: dict) -> dict:
    """Drop empty values so the markup states only what we know."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def image_object(image: seo.ShareImage | None) -> dict | None:
    if image is None:
        return None
    return _clean(
        {
            "@type": "ImageObject",
            "url": image.url,
            "width": image.width,
            "height": image.height,
            "caption": image.alt,
        }
    )


def organization() -> dict:
    """The publisher: the newsroom itself, with its logo."""
    return _clean(
        {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL + "/",
            "logo": image_object(seo.site_logo()),
        }
    )


def person(author, *, url: bool = True, full: bool = False) -> dict:
    """An author as a schema.org Person; ``url`` only for authors with a public page."""
    data = {
        "@type": "Person",
        "name": seo.xml_text(author.name),
        "url": seo.absolute_url(author.get_absolute_url()) if url else None,
    }
    if full:
        image = seo.author_image(author)
        data.update(
            {
                "jobTitle": author.job_title,
                "description": seo.describe(author.short_bio),
                "image": image.url if image else None,
                "sameAs": [link["url"] for link in author.social_links],
            }
        )
    return _clean(data)


def with_context(data: dict) -> dict:
    return {"@context": SCHEMA, **data}


def website() -> dict:
    """The site, with the search box search engines may show under its result."""
    search_url = seo.absolute_url(reverse("articles:search"))
    return with_context(
        _clean(
            {
                "@type": "WebSite",
                "name": settings.SITE_NAME,
                "url": settings.SITE_URL + "/",
                "description": settings.SITE_DESCRIPTION,
                "inLanguage": seo.language_tag(),
                "publisher": organization(),
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": {
                        "@type": "EntryPoint",
                        "urlTemplate": f"{search_url}?q={{search_term_string}}",
                    },
                    "query-input": "required name=search_term_string",
                },
            }
        )
    )


def publisher() -> dict:
    return with_context(organization())


def news_article(
    article, *, description: str, image: seo.ShareImage | None, tags: Iterable[str]
) -> dict:
    """NewsArticle for an article page; republished pieces name their original."""
    page_url = seo.absolute_url(article.get_absolute_url())
    data = {
        "@type": "NewsArticle",
        "@id": page_url + "#article",
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
        "url": page_url,
        "headline": seo.xml_text(article.headline),
        "alternativeHeadline": seo.xml_text(article.dek),
        "description": description,
        "image": [image_object(image)] if image else None,
        "datePublished": article.published_at,
        "dateModified": seo.article_modified_at(article),
        "author": [person(author) for author in seo.unique_authors(article)],
        "publisher": organization(),
        "articleSection": article.section.name,
        "keywords": list(tags),
        "inLanguage": seo.language_tag(),
        "isAccessibleForFree": True,
    }
    if article.is_republished:
        data["isBasedOn"] = _clean(
            {
                "@type": "NewsArticle",
                "url": article.source_url,
                "publisher": {"@type": "Organization", "name": article.source_name},
            }
        )
    return with_context(_clean(data))


def profile_page(author) -> dict:
    """An author page: a ProfilePage whose main entity is the Person."""
    page_url = seo.absolute_url(author.get_absolute_url())
    return with_context(
        _clean(
            {
                "@type": "ProfilePage",
                "url": page_url,
                "name": seo.xml_text(author.name),
                "dateCreated": author.created_at,
                "dateModified": author.modified_at,
                "mainEntity": person(author, full=True),
            }
        )
    )


def book(book, *, authors_with_pages: set[int]) -> dict:
    """A Book; linked authors are Persons (with a URL when their page is public)."""
    authors = [person(a, url=a.pk in authors_with_pages) for a in book.authors.all()]
    if not authors and book.author_credit:
        authors = [{"@type": "Person", "name": seo.xml_text(book.author_credit)}]
    cover = seo.book_image(book)
    offers = [
        {"@type": "Offer", "url": link.url, "name": link.label}
        for link in book.purchase_links.all()
    ]
    return with_context(
        _clean(
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


def breadcrumbs(trail: list[tuple[str, str]]) -> dict:
    """BreadcrumbList from (name, absolute URL) pairs, home first."""
    return with_context(
        {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": position, "name": name, "item": url}
                for position, (name, url) in enumerate(trail, start=1)
            ],
        }
    )
