"""What a page tells machines about itself: title, description, share image, JSON-LD.

``Page.meta_title()`` and ``Page.share_meta()`` delegate here; ``newsroom/page_meta.py`` asks
them as it asks articles, authors and books. Nothing here queries the database (the view
loads the page's ancestors).
"""

from __future__ import annotations

from django.conf import settings

from articles.sharing import article_image
from newsroom import seo
from newsroom import structured_data as ld
from newsroom.page_meta import ShareMeta


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
        ld.clean(
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


def share_meta(page) -> ShareMeta:
    """The page's share card (its ``og_image`` rendition, once made) and its JSON-LD: the
    WebPage and the breadcrumb trail through the pages it sits under."""
    text = description(page)
    # The share image helper reads the same fields on a page as on an article.
    image = article_image(page) or seo.default_share_image()
    trail = [ld.home_crumb()]
    trail += [
        (seo.xml_text(p.title), seo.absolute_url(p.get_absolute_url()))
        for p in [*page.ancestors(), page]
    ]
    return ShareMeta(
        description=text,
        path=page.get_absolute_url(),
        image=image,
        robots="" if page.is_live else "noindex",  # staff previews and signed preview links
        json_ld=[web_page(page, description=text, image=image), ld.breadcrumbs(trail)],
    )
