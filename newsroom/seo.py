"""Absolute URLs, share images and text clean-up for everything machines read.

Share cards, canonical links, JSON-LD, feeds and sitemaps all need absolute URLs. They are
built from ``settings.SITE_URL`` and never from the request's Host header, which a client
controls (a poisoned Host would otherwise end up in cached pages and shared links).

Only what every app needs lives here: what an article, author or book says about itself is
that app's business (``articles/sharing.py``, ``<app>/structured_data.py``).
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


def news_language() -> str:
    """The publication's language as Google News wants it: ISO 639 ("en"), except the two
    Chinese scripts, which keep their region ("zh-cn", "zh-tw")."""
    code = settings.LANGUAGE_CODE.lower()
    if code in {"zh-cn", "zh-tw", "zh-hans", "zh-hant"}:
        return {"zh-hans": "zh-cn", "zh-hant": "zh-tw"}.get(code, code)
    return code.split("-")[0]
