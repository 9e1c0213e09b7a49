"""What an author's page and every credit tell machines: the schema.org Person, the
ProfilePage and the share card.

Articles and books credit authors through ``person()``, so a byline, a book's author and
a profile page describe the same person the same way.
"""

from __future__ import annotations

from django.conf import settings

from images import renditions
from images.sharing import largest_jpeg_rendition
from newsroom import seo
from newsroom import structured_data as ld
from newsroom.page_meta import ShareMeta, feed_links


def author_image(author) -> seo.ShareImage | None:
    return largest_jpeg_rendition(author, "photo", renditions.PORTRAIT, author.photo_alt)


def person(author, *, url: bool = True, full: bool = False) -> dict:
    """An author as a schema.org Person; ``url`` only for authors with a public page."""
    data = {
        "@type": "Person",
        "name": seo.xml_text(author.name),
        "url": seo.absolute_url(author.get_absolute_url()) if url else None,
    }
    if full:
        image = author_image(author)
        data.update(
            {
                "jobTitle": author.job_title,
                "description": seo.describe(author.short_bio),
                "image": image.url if image else None,
                "sameAs": [link["url"] for link in author.social_links],
            }
        )
    return ld.clean(data)


def profile_page(author) -> dict:
    """An author page: a ProfilePage whose main entity is the Person."""
    page_url = seo.absolute_url(author.get_absolute_url())
    return ld.with_context(
        ld.clean(
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


def author_share_meta(author) -> ShareMeta:
    """The author page's share card (a profile), feeds and JSON-LD."""
    path = author.get_absolute_url()
    name = settings.SITE_NAME
    return ShareMeta(
        description=seo.describe(author.short_bio or f"Articles by {author.name} for {name}."),
        path=path,
        og_type="profile",
        image=author_image(author),
        twitter_creator=author.x_handle,
        feeds=feed_links(author.name, "articles:author-feed", slug=author.slug),
        json_ld=[
            profile_page(author),
            ld.breadcrumbs([ld.home_crumb(), (author.name, seo.absolute_url(path))]),
        ],
    )
