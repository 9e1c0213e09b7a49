"""What article, section and tag pages tell machines: share cards, feed links, JSON-LD.

``Article.share_meta()`` and ``Section.share_meta()`` delegate here; taggit's ``Tag`` is not
ours to add methods to, so ``TagMeta`` stands in for it (registered in ``apps.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from authors.structured_data import person
from newsroom import seo
from newsroom import structured_data as ld
from newsroom.page_meta import ShareMeta, feed_links

from .sharing import (
    article_canonical_url,
    article_description,
    article_image,
    article_modified_at,
    unique_authors,
)
from .tag_slugs import tag_url


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
        "image": [ld.image_object(image)] if image else None,
        "datePublished": article.published_at,
        "dateModified": article_modified_at(article),
        "author": [person(author) for author in unique_authors(article)],
        "publisher": ld.organization(),
        "articleSection": article.section.name,
        "keywords": list(tags),
        "inLanguage": seo.language_tag(),
        "isAccessibleForFree": True,
    }
    if article.is_republished:
        data["isBasedOn"] = ld.clean(
            {
                "@type": "NewsArticle",
                "url": article.source_url,
                "publisher": {"@type": "Organization", "name": article.source_name},
            }
        )
    return ld.with_context(ld.clean(data))


def article_share_meta(article) -> ShareMeta:
    """The article page's share card (an article), its credits and tags, and JSON-LD."""
    description = article_description(article)
    # The JSON-LD names the image the share card shows, the site's own when the piece has none.
    image = article_image(article) or seo.default_share_image()
    authors = unique_authors(article)
    tags = [seo.xml_text(tag.name) for tag in article.tags.all()]
    modified = article_modified_at(article)
    og_extra = []
    if article.published_at:
        og_extra.append(("article:published_time", article.published_at.isoformat()))
    if modified:
        og_extra.append(("article:modified_time", modified.isoformat()))
    og_extra += [
        ("article:author", seo.absolute_url(author.get_absolute_url())) for author in authors
    ]
    og_extra.append(("article:section", seo.xml_text(article.section.name)))
    og_extra += [("article:tag", name) for name in tags]
    return ShareMeta(
        description=description,
        path=article.get_absolute_url(),
        og_type="article",
        canonical=article_canonical_url(article),
        image=image,
        robots="" if article.is_live else "noindex",  # staff previews and signed preview links
        og_extra=og_extra,
        twitter_creator=next((a.x_handle for a in authors if a.x_handle), ""),
        json_ld=[
            news_article(article, description=description, image=image, tags=tags),
            ld.breadcrumbs(
                [
                    ld.home_crumb(),
                    (article.section.name, seo.absolute_url(article.section.get_absolute_url())),
                    (article.headline, seo.absolute_url(article.get_absolute_url())),
                ]
            ),
        ],
    )


def section_share_meta(section) -> ShareMeta:
    name = settings.SITE_NAME
    return ShareMeta(
        description=seo.describe(section.description or f"The latest {section.name} from {name}."),
        path=section.get_absolute_url(),
        feeds=feed_links(section.name, "articles:section-feed", slug=section.slug),
    )


class TagMeta:
    """A tag's page described on the tag's behalf (taggit owns the model)."""

    def __init__(self, tag) -> None:
        self.tag = tag

    def meta_title(self) -> str:
        return f"Tagged “{self.tag.name}”"

    def share_meta(self) -> ShareMeta:
        title = self.meta_title()
        return ShareMeta(
            description=seo.describe(
                f"Articles tagged “{self.tag.name}” from {settings.SITE_NAME}."
            ),
            path=tag_url(self.tag),
            feeds=feed_links(title, "articles:tag-feed", slug=self.tag.slug),
        )
