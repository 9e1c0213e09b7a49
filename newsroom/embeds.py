"""Privacy-friendly embeds: a link card naming the provider, never the provider's player.

A YouTube video, a post on X or a Spotify track embedded the provider's way loads the
provider's scripts, cookies and trackers on every page view, whether or not the reader
wants it (DESIGN.md: readers are not tracked). Here an embed is a card,

    <figure data-embed="youtube"><a href="…">Watch on YouTube</a>
    <figcaption>youtube.com/watch?v=…</figcaption></figure>

that loads nothing from the provider: it is an ordinary link, and the reader's click is
the only thing that contacts the provider. Works without JavaScript by construction.

Editors make one by putting the provider's address alone in a paragraph (typed, or pasted,
which the editor turns into a link to itself): ``embed_bare_urls`` turns it into the card
when the body is sanitised on save (``newsroom/sanitize.py``), as the WordPress import does
with a URL alone on its line. A link with words of its own stays a link. The body editor
shows the card as readers will see it: its ``EmbedCard`` node (static/js/admin-embeds.js,
configured with ``editor_providers()``) loads a stored card as one, and turns a pasted
address into one at once, a typed one when the caret leaves its paragraph (tests/e2e).
Whatever a card says, saving makes its words and caption again from its address.
``data-embed`` names the provider for styling; the sanitiser (``newsroom/sanitize.py``)
keeps it only on ``<figure>`` and only with a value from ``PROVIDERS``. A URL of any other
site becomes a plain link paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Provider:
    key: str  # the data-embed value
    name: str  # as readers know it
    verb: str  # what the link invites the reader to do
    hosts: tuple[str, ...]


PROVIDERS = (
    Provider("youtube", "YouTube", "Watch", ("youtube.com", "youtu.be", "youtube-nocookie.com")),
    Provider("vimeo", "Vimeo", "Watch", ("vimeo.com",)),
    Provider("x", "X", "View", ("x.com", "twitter.com")),
    Provider("bluesky", "Bluesky", "View", ("bsky.app",)),
    Provider("instagram", "Instagram", "View", ("instagram.com", "instagr.am")),
    Provider("tiktok", "TikTok", "Watch", ("tiktok.com",)),
    Provider("soundcloud", "SoundCloud", "Listen", ("soundcloud.com", "snd.sc")),
    Provider("spotify", "Spotify", "Listen", ("spotify.com", "spotify.link")),
    Provider("flickr", "Flickr", "View", ("flickr.com", "flic.kr")),
)
PROVIDER_KEYS = frozenset(provider.key for provider in PROVIDERS)


def provider_for(url: str) -> Provider | None:
    """The provider serving ``url`` (its host or a subdomain of it), or None."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    for provider in PROVIDERS:
        if any(host == known or host.endswith(f".{known}") for known in provider.hosts):
            return provider
    return None


def display_url(url: str) -> str:
    """``https://www.youtube.com/watch?v=x`` → ``youtube.com/watch?v=x``, for the card."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    rest = parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
    text = host + rest
    return text if len(text) <= 80 else text[:79] + "…"


def embed_html(url: str) -> str:
    """The card for ``url`` (a plain link paragraph when no known provider serves it).

    '' when ``url`` is not an http(s) address: nothing else is worth a link.
    """
    url = (url or "").strip()
    if urlsplit(url).scheme not in ("http", "https"):
        return ""
    provider = provider_for(url)
    href = escape(url)
    if provider is None:
        return f'<p><a href="{href}">{escape(display_url(url))}</a></p>'
    return (
        f'<figure data-embed="{provider.key}">'
        f'<a href="{href}">{provider.verb} on {escape(provider.name)}</a>'
        f"<figcaption>{escape(display_url(url))}</figcaption></figure>"
    )


# A paragraph holding only an address, as text or as a link whose text is its own address
# (what the sanitiser leaves: attributes double-quoted, "&" escaped).
_BARE_PARAGRAPH = re.compile(
    r"<p>\s*(?:(?P<text>https?://[^\s<>\"]+)"
    r"|<a href=\"(?P<href>https?://[^\"]+)\"[^>]*>\s*(?P<label>[^<]+?)\s*</a>)\s*</p>",
    re.IGNORECASE,
)


def _card_for(match: re.Match) -> str:
    if match.group("text"):
        url = unescape(match.group("text"))
    else:
        url = unescape(match.group("href"))
        if unescape(match.group("label")).rstrip("/") != url.rstrip("/"):
            return match.group(0)  # a link with its own words
    if provider_for(url) is None:
        return match.group(0)  # any other site: the editor's link stays as it is
    return embed_html(url)


# A card as the body editor gives it back. Its figure schema holds an image and a caption,
# so a card it loads comes back as an empty image figure, the card's link in a paragraph and
# the caption on its own; saved like that, the card would be lost after the first edit.
_EDITED_CARD = re.compile(
    r"(?:<figure[^>]*>\s*<img>\s*</figure>\s*)?"
    r"<p><a href=\"(?P<href>https?://[^\"]+)\"[^>]*>(?P<label>[^<]+)</a></p>"
    r"(?:\s*<figcaption>[^<]*</figcaption>)?",
    re.IGNORECASE,
)


def _restored_card(match: re.Match) -> str:
    url = unescape(match.group("href"))
    provider = provider_for(url)
    if provider is None or unescape(match.group("label")) != f"{provider.verb} on {provider.name}":
        return match.group(0)
    return embed_html(url)


# A whole card, as stored or as the body editor writes it (static/js/admin-embeds.js).
_CARD = re.compile(
    r"<figure data-embed=\"(?P<key>[^\"]*)\">\s*"
    r"<a href=\"(?P<href>https?://[^\"]+)\"[^>]*>(?P<label>[^<]*)</a>\s*"
    r"(?:<figcaption>(?P<caption>[^<]*)</figcaption>\s*)?</figure>",
    re.IGNORECASE,
)


def _checked_card(match: re.Match) -> str:
    """A card says what ``embed_html`` says for its address: the provider, its words and the
    caption are made here, whatever the editor (or a pasted card) wrote."""
    url = unescape(match.group("href"))
    provider = provider_for(url)
    if provider is None:
        return match.group(0)
    if (
        match.group("key") == provider.key
        and unescape(match.group("label")) == f"{provider.verb} on {provider.name}"
        and unescape(match.group("caption") or "") == display_url(url)
    ):
        return match.group(0)  # as made (the sanitiser's rel on the link is kept)
    return embed_html(url)


def embed_bare_urls(html: str) -> str:
    """Sanitised HTML with each paragraph that holds only a provider's address made its card,
    each card the body editor took apart made whole again, and each card's words ours."""
    if "://" not in html:
        return html
    html = _EDITED_CARD.sub(_restored_card, _BARE_PARAGRAPH.sub(_card_for, html))
    return _CARD.sub(_checked_card, html)


def editor_providers() -> list[dict]:
    """The providers as the body editor's card extension needs them (its configuration,
    editorial/forms.py): one list, here, for the editor and the server."""
    return [
        {"key": p.key, "name": p.name, "verb": p.verb, "hosts": list(p.hosts)} for p in PROVIDERS
    ]


def editor_allowlist(config, shared_config) -> None:
    """What the editor's ``EmbedCard`` writes, for django-prose-editor's allowlist (the body
    is sanitised by ``newsroom.sanitize``, which keeps exactly this)."""
    from django_prose_editor.config import add_tags_and_attributes

    add_tags_and_attributes(
        shared_config,
        ["figure", "a", "figcaption"],
        {"figure": ["data-embed"], "a": ["href"]},
    )
