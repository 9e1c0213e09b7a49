"""Share links: plain ``<a href>`` addresses for each platform's own share page.

No SDKs and no third-party scripts: a link works without JavaScript and tells the platform
nothing until the reader chooses to follow it. Every parameter is percent-encoded (spaces
as ``%20``, which both query strings and ``mailto:`` accept, unlike ``+``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


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
