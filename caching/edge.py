"""What edge caches learn about a page's tags, and purges by tag for them: Varnish with the
xkey vmod (deploy/varnish.vcl), a CDN reading ``Surrogate-Key``.

Each configured node (``VARNISH_PURGE_URLS``) gets one ``PURGE`` request whose ``xkey-purge``
header lists the invalidated tags; the VCL accepts it only from the app servers (an ACL) and
drops every object carrying one of them. With no node configured nothing is sent. Called by
``caching.cache`` when an invalidation is delivered (after commit): a failed purge raises, so
the invalidation is kept and sent again with the others when the node answers.

Why the tag headers are bounded (``header_tags``):

- **A page's tags grow with what it lists** (one ``article:N`` per article shown), so an
  author page with hundreds of articles sent an 8 KB ``xkey`` line: past Varnish's default
  ``http_resp_hdr_len``, nginx's ``proxy_buffer_size`` (a 502 "upstream sent too big header")
  and CDN limits (Fastly: 16 KB of ``Surrogate-Key``). No limit is safe when the header grows.
- **Collapsed, never lost.** When the tags would pass ``EDGE_TAG_HEADER_MAX`` bytes, the row
  tags become bucket tags (``article:N`` -> ``article:b256.N%256``, then 64, then 16 buckets),
  then one kind tag (``article:*``); as a last resort every tag becomes its kind tag
  (``articles:list:field:headline`` -> ``articles:*``). Every purge also sends the bucket and
  kind tags of each tag it purges (``edge_tags``), so a collapsed page is still dropped: it
  may be dropped more often than needed (over-purging), never kept stale.
- **Only the edge headers are collapsed.** The app's page cache keeps each page's full tags.
"""

from __future__ import annotations

import logging
import re
import threading
import zlib
from collections.abc import Iterable
from urllib.request import Request, urlopen

from django.conf import settings

logger = logging.getLogger("newsroom.cache")

#: How many tags one purge request carries (header size stays far below Varnish's limits).
BATCH = 200

#: Bucket counts tried in turn when a page's tags do not fit in the header budget.
BUCKETS = (256, 64, 16)

#: A row's tag (``tags.object_tag``): a model name and a primary key, nothing else.
_OBJECT = re.compile(r"^([a-z0-9_]+):([^:]+)$")


def _object(tag: str) -> tuple[str, str] | None:
    match = _OBJECT.match(tag)
    if match is None or match.group(2) in ("list", "*"):
        return None
    return match.group(1), match.group(2)


def bucket_tag(tag: str, buckets: int) -> str:
    """``article:123`` -> ``article:b64.59`` (a non-row tag is returned as it is)."""
    row = _object(tag)
    if row is None:
        return tag
    kind, pk = row
    number = int(pk) if pk.isdigit() else zlib.crc32(pk.encode())
    return f"{kind}:b{buckets}.{number % buckets}"


def kind_tag(tag: str) -> str:
    """``article:123`` -> ``article:*``; ``articles:list:field:headline`` -> ``articles:*``."""
    return tag.split(":", 1)[0] + ":*"


def edge_tags(tags: Iterable[str]) -> set[str]:
    """The tags a purge sends: each tag, and every bucket and kind tag a page carrying it may
    have been given instead (``header_tags``)."""
    sent: set[str] = set()
    for tag in tags:
        sent.add(tag)
        sent.add(kind_tag(tag))
        if _object(tag) is not None:
            sent.update(bucket_tag(tag, buckets) for buckets in BUCKETS)
    return sent


def _fits(tags: Iterable[str], budget: int) -> str | None:
    value = " ".join(sorted(set(tags)))
    return value if len(value.encode()) <= budget else None


def header_value(tags: Iterable[str]) -> str:
    """The value of a page's ``xkey``/``Surrogate-Key`` header: its tags when they fit in
    ``EDGE_TAG_HEADER_MAX`` bytes, else the narrowest collapse that fits (module docstring)."""
    tags = set(tags)
    budget = settings.EDGE_TAG_HEADER_MAX
    value = _fits(tags, budget)
    if value is not None:
        return value
    for buckets in BUCKETS:
        value = _fits((bucket_tag(tag, buckets) for tag in tags), budget)
        if value is not None:
            return value
    value = _fits((kind_tag(t) if _object(t) else t for t in tags), budget)
    if value is not None:
        return value
    # Bounded by the number of content models, so it always fits a sane budget.
    return " ".join(sorted({kind_tag(tag) for tag in tags}))


def purge(tags: Iterable[str]) -> None:
    """Purge ``tags`` on every node now, and once more ``EDGE_PURGE_REPEAT_SECONDS`` later.

    The second purge closes the race every purge-based edge cache has: a page Varnish began
    fetching before the change committed can arrive after the purge and be stored with the
    old content (the app's own cache refuses it by version; Varnish has no versions). Measured
    in bench/workday.py: ~9 s of a stale home page per edit, through Varnish, under load.
    A render takes far less than the delay, so the repeat drops any such copy.
    """
    urls = settings.VARNISH_PURGE_URLS
    tags = sorted(edge_tags(tags))
    if not urls or not tags:
        return
    _send(urls, tags)
    delay = settings.EDGE_PURGE_REPEAT_SECONDS
    if delay > 0:
        timer = threading.Timer(delay, _repeat, args=(list(urls), tags))
        timer.daemon = True
        timer.start()


def _repeat(urls: list[str], tags: list[str]) -> None:
    try:
        _send(urls, tags)
    except Exception:
        # The first purge went out; this one only shortens a rare race (logged, not kept).
        logger.warning("The repeated purge of %d tags failed", len(tags), exc_info=True)


def _send(urls: Iterable[str], tags: list[str]) -> None:
    for url in urls:
        for start in range(0, len(tags), BATCH):
            batch = " ".join(tags[start : start + BATCH])
            request = Request(url, method="PURGE", headers={"xkey-purge": batch})
            with urlopen(request, timeout=settings.VARNISH_PURGE_TIMEOUT) as response:
                response.read()
