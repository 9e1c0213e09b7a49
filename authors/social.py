"""Social handles from what editors paste: a handle, or the address of the profile.

Editors copy the profile's address from the browser far more often than they type the
handle. The admin used to cut a pasted ``https://x.com/lena_writes`` to the field's 16
characters (``https://x.com/le``) and then refuse it; now the handle is taken from the
address, and only a value that is neither a handle nor a profile address is refused.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

X_HOSTS = {"x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"}


def _url_parts(value: str):
    """``(host, path segments)`` when ``value`` looks like an address, else ``None``."""
    if "/" not in value:
        return None
    if not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        value = f"https://{value}"
    parts = urlsplit(value)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host, [segment for segment in parts.path.split("/") if segment]


def x_handle_from(value: str) -> str:
    """``@name``, ``name``, ``https://x.com/name?s=20`` or a twitter.com address → ``name``."""
    value = (value or "").strip()
    parts = _url_parts(value)
    if parts and parts[0] in X_HOSTS and parts[1]:
        return parts[1][0].lstrip("@")
    return value.lstrip("@")


def bluesky_handle_from(value: str) -> str:
    """``https://bsky.app/profile/name.bsky.social`` → ``name.bsky.social``."""
    value = (value or "").strip()
    parts = _url_parts(value)
    if parts and parts[0] == "bsky.app" and len(parts[1]) >= 2 and parts[1][0] == "profile":
        return parts[1][1].lower()
    return value.lstrip("@").lower()


def mastodon_handle_from(value: str) -> str:
    """``https://example.social/@name`` → ``name@example.social``."""
    value = (value or "").strip()
    parts = _url_parts(value)
    if parts and parts[0] and parts[1] and parts[1][0].startswith("@"):
        return f"{parts[1][0].lstrip('@')}@{parts[0]}"
    return value.lstrip("@")
