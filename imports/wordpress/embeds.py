"""WordPress embeds → our privacy-friendly embed cards (``newsroom.embeds``).

WordPress turns three things into a provider's player (oEmbed), fetched from the provider
on every page view:

- a URL alone on its line, or alone in a paragraph (its "auto-embed");
- the ``[embed]URL[/embed]`` shortcode and Jetpack's ``[youtube=…]``, ``[tweet …]``… (these
  are read in ``shortcodes`` and end here, in ``embed_block``);
- block-editor embed blocks: ``<!-- wp:embed {"url": …} -->`` (before WordPress 5.6,
  ``wp:core-embed/<provider>``) around ``<figure class="wp-block-embed …">``, and that
  figure alone when an export or a plugin dropped the block comments.

Each becomes one card naming the provider, or a plain link for any other site. The URL is
read from the export only: nothing is fetched at import time. Text inside ``<pre>`` is
left alone, since a URL there is code, not an embed.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from newsroom.embeds import embed_html, provider_for

if TYPE_CHECKING:
    from .content import ConversionContext

_URL = re.compile(r"https?://[^\s<>\"'\[\]]+")
_BLOCK = re.compile(
    r"<!--\s*wp:(?:core-)?embed(?:/[\w-]+)?\s*(?P<attrs>\{.*?\})?\s*-->"
    r"(?P<inner>.*?)<!--\s*/wp:(?:core-)?embed(?:/[\w-]+)?\s*-->",
    re.DOTALL,
)
_FIGURE = re.compile(
    r"<figure\b[^>]*\bclass=\"[^\"]*\bwp-block-embed\b[^\"]*\"[^>]*>(?P<inner>.*?)</figure>",
    re.DOTALL | re.IGNORECASE,
)
# WordPress's auto-embed: a URL alone on its line, or alone in a paragraph.
_BARE_URL = re.compile(
    r"^[ \t]*(?P<url>https?://[^\s<>\"'\[\]]+)[ \t]*$"
    r"|<p(?:\s[^>]*)?>\s*(?P<purl>https?://[^\s<>\"'\[\]]+)\s*</p>",
    re.MULTILINE | re.IGNORECASE,
)
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL | re.IGNORECASE)


def embed_block(url: str, context: ConversionContext, what: str) -> str:
    """The card for ``url`` as a block of its own, noted in the report."""
    html = embed_html(url)
    if not html:
        context.note(f"{what} without a usable URL removed")
        return ""
    provider = provider_for(url)
    kind = f"a {provider.name} card" if provider else "a link"
    context.note(f"{what} became {kind} (nothing is loaded from the provider)")
    return f"\n\n{html}\n\n"


def _block_url(attrs: str | None, inner: str) -> str:
    if attrs:
        try:
            url = json.loads(attrs).get("url", "")
        except (ValueError, AttributeError):
            url = ""
        if isinstance(url, str) and _URL.fullmatch(url.strip()):
            return url.strip()
    found = _URL.search(inner)
    return found.group(0) if found else ""


def render_embeds(text: str, context: ConversionContext) -> str:
    """Replace embed blocks, embed figures and bare URLs on their own line with cards."""
    parts = _PRE.split(text)
    for index in range(0, len(parts), 2):  # odd parts are <pre> blocks
        part = _BLOCK.sub(
            lambda m: embed_block(
                _block_url(m.group("attrs"), m.group("inner")), context, "an embed block"
            ),
            parts[index],
        )
        part = _FIGURE.sub(
            lambda m: embed_block(_block_url(None, m.group("inner")), context, "an embed block"),
            part,
        )
        parts[index] = _BARE_URL.sub(
            lambda m: embed_block(m.group("url") or m.group("purl"), context, "a URL on its line"),
            part,
        )
    return "".join(parts)
