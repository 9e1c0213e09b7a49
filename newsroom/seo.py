"""Absolute URLs, share images and text clean-up for everything machines read.

Share cards, canonical links, JSON-LD, feeds and sitemaps all need absolute URLs. They are
built from ``settings.SITE_URL`` and never from the request's Host header, which a client
controls (a poisoned Host would otherwise end up in cached pages and shared links).
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import to_locale

# Characters XML 1.0 cannot hold at all (C0 controls but tab, newline and carriage return;
# lone surrogates; U+FFFE/U+FFFF). Django's feed writer raises on the first three ranges.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_WHITESPACE = re.compile(r"\s+")
# Where a block ends, words on either side are separate: "<p>one</p><p>two</p>" is "one two".
_BLOCK_BREAK = re.compile(
    r"</(?:p|div|h[1-6]|li|blockquote|figcaption|pre|tr|td|th|dd|dt)\s*>|<br\s*/?>", re.I
)
SUMMARY_WORDS = 40

DESCRIPTION_MAX_CHARS = 300


@dataclass(frozen=True)
class ShareImage:
    """An image for a share card or JSON-LD: absolute URL, size when known, alt text."""

    url: str
    width: int | None = None
    height: int | None = None
    alt: str = ""
    mime_type: str = ""


def absolute_url(url: str) -> str:
    """``url`` made absolute against SITE_URL; URLs that already are (CDN, S3) pass through."""
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        scheme = settings.SITE_URL.split(":", 1)[0]
        return f"{scheme}:{url}"
    if not url.startswith("/"):
        url = "/" + url
    return settings.SITE_URL + url


def xml_text(value: object) -> str:
    """``value`` as text XML can hold: control characters (NUL, \\x0b, \\x1f…) removed."""
    if value is None:
        return ""
    return _XML_INVALID.sub("", str(value))


def plain_text(html: str) -> str:
    """Readable text from stored HTML: tags stripped, entities decoded, spaces collapsed."""
    text = unescape(strip_tags(_BLOCK_BREAK.sub(" ", html or "")))
    return _WHITESPACE.sub(" ", xml_text(text)).strip()


def describe(text: str, limit: int = DESCRIPTION_MAX_CHARS) -> str:
    """A one-paragraph description for meta tags: plain text, cut on a word boundary."""
    return Truncator(plain_text(text)).chars(limit, truncate="…")


def article_description(article) -> str:
    """What describes an article to machines: its SEO description, else its excerpt, else
    the opening words of the body (block boundaries kept as spaces)."""
    text = article.seo_description or article.excerpt
    if not text:
        text = Truncator(plain_text(article.body)).words(SUMMARY_WORDS, truncate="…")
    return describe(text)


def language_tag() -> str:
    """The site language as a BCP 47 tag ("en-US"), the form schema.org and feeds expect."""
    return to_locale(settings.LANGUAGE_CODE).replace("_", "-")


def guess_mime_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or ""


@lru_cache(maxsize=32)
def static_image_size(path: str) -> tuple[int, int] | None:
    """Pixel size of a static image, read once per process (logo, default share image)."""
    found = finders.find(path)
    if not found:
        return None
    from PIL import Image

    try:
        with Image.open(found) as image:
            return image.size
    except OSError:
        return None


def static_image(path: str, alt: str = "") -> ShareImage | None:
    """A static file as a share image, or None when the setting names no file."""
    if not path:
        return None
    size = static_image_size(path) or (None, None)
    return ShareImage(
        url=absolute_url(static(path)),
        width=size[0],
        height=size[1],
        alt=alt,
        mime_type=guess_mime_type(path),
    )


def site_logo() -> ShareImage | None:
    return static_image(settings.SITE_LOGO, alt=f"{settings.SITE_NAME} logo")


def default_share_image() -> ShareImage | None:
    return static_image(settings.SITE_SHARE_IMAGE, alt=settings.SITE_NAME)


def _rendition_size(rendition, source_width, source_height) -> tuple[int | None, int | None]:
    """The output size of an imagekit rendition, read from its processors without opening it.

    Fill-type processors give an exact size; ResizeToFit scales the source's stored size.
    Anything else is reported as unknown rather than guessed.
    """
    processors = getattr(getattr(rendition, "generator", None), "processors", None) or []
    for processor in reversed(list(processors)):
        width = getattr(processor, "width", None)
        height = getattr(processor, "height", None)
        kind = type(processor).__name__
        if kind in {"ResizeToFill", "SmartResize", "ResizeCanvas"} and width and height:
            return width, height
        if kind == "ResizeToFit" and source_width and source_height:
            scale = min(
                (width or source_width) / source_width, (height or source_height) / source_height
            )
            if not getattr(processor, "upscale", True):
                scale = min(scale, 1)
            return round(source_width * scale), round(source_height * scale)
    return None, None


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
    width, height = _rendition_size(
        rendition, article.featured_image_width, article.featured_image_height
    )
    fmt = getattr(getattr(rendition, "generator", None), "format", "") or ""
    mime = f"image/{fmt.lower()}".replace("jpg", "jpeg") if fmt else guess_mime_type(url)
    return ShareImage(absolute_url(url), width, height, alt, mime)


def _largest_jpeg_rendition(instance, source: str, family, alt: str) -> ShareImage | None:
    """The biggest JPEG rendition of an image: never the original upload, whose EXIF
    (GPS position, camera serial) must not reach other sites."""
    from images import renditions

    pic = renditions.picture(instance, source, family)
    if pic is None or not renditions.is_ready(instance, source):
        return None
    url = pic.jpeg_srcset.split(", ")[-1].rsplit(" ", 1)[0]
    width, height = pic.candidates[-1]
    return ShareImage(absolute_url(url), width, height, alt, "image/jpeg")


def author_image(author) -> ShareImage | None:
    from images import renditions

    return _largest_jpeg_rendition(author, "photo", renditions.PORTRAIT, author.photo_alt)


def book_image(book) -> ShareImage | None:
    from images import renditions

    return _largest_jpeg_rendition(book, "cover", renditions.COVER, book.cover_alt)


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


def news_language() -> str:
    """The publication's language as Google News wants it: ISO 639 ("en"), except the two
    Chinese scripts, which keep their region ("zh-cn", "zh-tw")."""
    code = settings.LANGUAGE_CODE.lower()
    if code in {"zh-cn", "zh-tw", "zh-hans", "zh-hant"}:
        return {"zh-hans": "zh-cn", "zh-hant": "zh-tw"}.get(code, code)
    return code.split("-")[0]
