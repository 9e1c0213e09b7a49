"""Purges by tag for edge caches: Varnish with the xkey vmod (deploy/varnish.vcl).

Each configured node (``VARNISH_PURGE_URLS``) gets one ``PURGE`` request whose ``xkey-purge``
header lists the invalidated tags; the VCL accepts it only from the app servers (an ACL) and
drops every object carrying one of them. With no node configured nothing is sent. Called by
``caching.cache`` when an invalidation is delivered (after commit): a failed purge raises, so
the invalidation is kept and sent again with the others when the node answers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.request import Request, urlopen

from django.conf import settings

logger = logging.getLogger("newsroom.cache")

#: How many tags one purge request carries (header size stays far below Varnish's limits).
BATCH = 200


def purge(tags: Iterable[str]) -> None:
    urls = settings.VARNISH_PURGE_URLS
    tags = sorted(set(tags))
    if not urls or not tags:
        return
    for url in urls:
        for start in range(0, len(tags), BATCH):
            batch = " ".join(tags[start : start + BATCH])
            request = Request(url, method="PURGE", headers={"xkey-purge": batch})
            with urlopen(request, timeout=settings.VARNISH_PURGE_TIMEOUT) as response:
                response.read()
