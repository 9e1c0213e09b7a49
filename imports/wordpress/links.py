"""Links and images pointed at their new homes, with alt text that describes the image.

Images from the old uploads folder point at our stored copies (with the media library's alt
text when the post had none); an upload we did not import keeps its absolute address, since
the old server may still answer while the move settles. Links to the old site become paths
on ours, so the redirects the import creates answer them.
"""

from __future__ import annotations

import re
from html import escape, unescape
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from .text import usable_alt
from .uploads import MediaRef, upload_path

if TYPE_CHECKING:
    from .content import ConversionContext

_LINK_OR_IMAGE = re.compile(r"<(a|img)\b([^>]*)>", re.IGNORECASE)
_HTML_ATTRIBUTE = re.compile(r'([\w:-]+)(?:="([^"]*)")?')


def _attributes(text: str) -> list[list[str]]:
    return [[name.lower(), unescape(value or "")] for name, value in _HTML_ATTRIBUTE.findall(text)]


def _tag(name: str, attributes: list[list[str]]) -> str:
    rendered = "".join(f' {key}="{escape(value)}"' for key, value in attributes)
    return f"<{name}{rendered}>"


def site_relative(url: str, site_hosts: frozenset[str]) -> str | None:
    """A link to the old site as a path on ours (``/2021/07/27/slug/``), or None."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in site_hosts:
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


def rewrite_links(html: str, context: ConversionContext) -> str:
    """Point old uploads at our copies and old-site links at our paths; fix image alt text."""

    def replace(match: re.Match) -> str:
        name = match.group(1).lower()
        attributes = _attributes(match.group(2))
        url_key = "src" if name == "img" else "href"
        values = dict(attributes)
        ref = None
        url = values.get(url_key, "")
        if url:
            ref = context.media.find_path(upload_path(url, context.site_hosts))
            if ref is not None:
                new_url = ref.url
            elif upload_path(url, context.site_hosts):
                # Kept absolute: the old server may still answer while the move settles.
                new_url = url
                context.note(f"{url} is not among the imported images; the old URL was kept")
            else:
                new_url = site_relative(url, context.site_hosts) or url
            for pair in attributes:
                if pair[0] == url_key:
                    pair[1] = new_url
        if name == "img":
            attributes = _fix_alt(attributes, ref, context)
        return _tag(name, attributes)

    return _LINK_OR_IMAGE.sub(replace, html)


def _fix_alt(attributes, ref: MediaRef | None, context: ConversionContext):
    values = dict(attributes)
    alt = values.get("alt", "").strip()
    if alt and not usable_alt(alt):
        context.note(f"alt text “{alt}” does not describe the image and was replaced")
        alt = ""
    if not alt and ref is not None and ref.alt:
        alt = ref.alt
    if not alt:
        context.note("an image in the body has no alt text")
    attributes = [pair for pair in attributes if pair[0] != "alt"]
    attributes.append(["alt", alt])
    return attributes
