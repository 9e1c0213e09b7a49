"""How an article is shared: share links, and what share cards and feeds say about it.

Share links are plain ``<a href>`` addresses for each platform's own share page. No SDKs
and no third-party scripts: a link works without JavaScript and tells the platform nothing
until the reader chooses to follow it. Every parameter is percent-encoded (spaces as
``%20``, which both query strings and ``mailto:`` accept, unlike ``+``).

The functions below the links are read by the page's metadata (``structured_data.py``), the
feeds and search alike, so a share card, a feed entry and a search snippet describe an
article in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.utils.text import Truncator

from images.sharing import rendition_size
from newsroom.seo import ShareImage, absolute_url, describe, guess_mime_type, plain_text

SUMMARY_WORDS = 40


@dataclass(frozen=True)
class ShareLink:
    network: str  # a stable key, used as a CSS hook and in tests
    name: str  # what the reader sees
    label: str  # the accessible name's lead-in, e.g. "Share on"
    href: str
    new_tab: bool = True


def _query(base: str, params: dict[str, str]) -> str:
    return f"{base}?{urlencode({k: v for k, v in params.items() if v}, quote_via=quote)}"


def share_links(*, url: str, title: str, image_url: str = "") -> list[ShareLink]:
    """The share links for an absolute ``url`` with its ``title`` (and image, for Pinterest)."""
    return [
        ShareLink(
            "facebook",
            "Facebook",
            "Share on",
            _query("https://www.facebook.com/sharer/sharer.php", {"u": url}),
        ),
        ShareLink(
            "x",
            "X",
            "Share on",
            _query("https://x.com/intent/tweet", {"url": url, "text": title}),
        ),
        ShareLink(
            "bluesky",
            "Bluesky",
            "Share on",
            _query("https://bsky.app/intent/compose", {"text": f"{title} {url}"}),
        ),
        ShareLink(
            "linkedin",
            "LinkedIn",
            "Share on",
            _query("https://www.linkedin.com/sharing/share-offsite/", {"url": url}),
        ),
        ShareLink(
            "reddit",
            "Reddit",
            "Share on",
            _query("https://www.reddit.com/submit", {"url": url, "title": title}),
        ),
        ShareLink(
            "pinterest",
            "Pinterest",
            "Share on",
            _query(
                "https://www.pinterest.com/pin/create/button/",
                {"url": url, "media": image_url, "description": title},
            ),
        ),
        ShareLink(
            "email",
            "Email",
            "Share by",
            "mailto:?subject={}&body={}".format(
                quote(title, safe=""), quote(f"{title}\r\n{url}", safe="")
            ),
            new_tab=False,
        ),
    ]


def article_description(article) -> str:
    """What describes an article to machines: its SEO description, else its excerpt, else
    the opening words of the body (block boundaries kept as spaces)."""
    text = article.seo_description or article.excerpt
    if not text:
        text = Truncator(opening_text(article.body, SUMMARY_WORDS)).words(
            SUMMARY_WORDS, truncate="…"
        )
    return describe(text)


def opening_text(html: str, words: int, start: int = 1500) -> str:
    """``plain_text`` of as much of ``html`` as its first ``words`` words need (and two
    more, so a word cut at the edge is never among them, and the text is known to go on).

    A feed describes 30 articles per request: stripping every whole body to keep 40 words
    was most of its time. The opening is cut just after a tag's ``>``, so no tag or entity
    is split; it doubles until it holds enough words or is the whole body.
    """
    html = html or ""
    size = start
    while size < len(html):
        end = html.find(">", size)
        if end < 0:
            break
        text = plain_text(html[: end + 1])
        if len(text.split(None, words + 2)) > words + 2:
            return text
        size *= 2
    return plain_text(html)


def article_image(article) -> ShareImage | None:
    """The article's share image: its ``og_image`` rendition (1200×630), once made.

    Never the uploaded original (private, and it may carry the uploader's location); while the
    renditions are being made, None, so the page falls back to the site's share image.
    """
    from images import renditions

    rendition = getattr(article, "og_image", None)
    if rendition is None or not renditions.is_ready(article, "featured_image"):
        return None
    alt = article.featured_image_alt or ""
    try:
        url = rendition.url
    except Exception:  # a missing source must not take the page down
        return None
    width, height = rendition_size(
        rendition, article.featured_image_width, article.featured_image_height
    )
    fmt = getattr(getattr(rendition, "generator", None), "format", "") or ""
    mime = f"image/{fmt.lower()}".replace("jpg", "jpeg") if fmt else guess_mime_type(url)
    return ShareImage(absolute_url(url), width, height, alt, mime)


def article_canonical_url(article) -> str:
    """Where search engines should credit the piece: the original for republished work."""
    if article.source_url:
        return article.source_url
    return absolute_url(article.get_absolute_url())


def article_modified_at(article):
    """When the article last changed for readers: the editorial "updated" time when set,
    else the row's modification time; never before the publication time."""
    modified = article.updated_at or article.modified_at
    if article.published_at and (modified is None or modified < article.published_at):
        return article.published_at
    return modified


def unique_authors(article) -> list:
    """Byline authors in order, each once (one person may hold two byline roles)."""
    seen: set[int] = set()
    authors = []
    for author in article.byline_authors:
        if author.pk not in seen:
            seen.add(author.pk)
            authors.append(author)
    return authors
