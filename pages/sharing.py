"""What a page tells machines about itself: title, description, share image, JSON-LD.

``newsroom/page_meta.py`` calls these for a page (kind ``webpage``) as it does the other
apps' for theirs; nothing here queries the database (the view loads the page's ancestors).
"""

from __future__ import annotations

from django.conf import settings

from newsroom import seo
from newsroom import structured_data as ld


def title(page) -> str:
    return page.seo_title or page.title


def description(page) -> str:
    text = page.seo_description or seo.plain_text(page.body)
    return seo.describe(text) if text else settings.SITE_DESCRIPTION


def web_page(page, *, description: str, image) -> dict:
    """schema.org ``WebPage`` (``AboutPage``, ``ContactPage`` are WebPages too, but the
    kind of a page is the editor's to say, not ours to guess)."""
    url = seo.absolute_url(page.get_absolute_url())
    return ld.with_context(
        ld._clean(
            {
                "@type": "WebPage",
                "@id": url,
                "url": url,
                "name": seo.xml_text(page.title),
                "description": description,
                "image": ld.image_object(image) if image else None,
                "datePublished": page.published_at,
                "dateModified": page.modified_at,
                "inLanguage": seo.language_tag(),
                "isPartOf": {"@type": "WebSite", "url": settings.SITE_URL + "/"},
                "publisher": ld.organization(),
            }
        )
    )


def apply(meta, page) -> None:
    """Fill the page's share card and JSON-LD into ``meta`` (a ``PageMeta``)."""
    meta.image = seo.article_image(page) or meta.image
    if not page.is_live:
        meta.robots = "noindex"
    trail = [(settings.SITE_NAME, settings.SITE_URL + "/")]
    trail += [
        (seo.xml_text(p.title), seo.absolute_url(p.get_absolute_url()))
        for p in [*page.ancestors(), page]
    ]
    meta.json_ld = [
        web_page(page, description=meta.description, image=meta.image),
        ld.breadcrumbs(trail),
    ]
