"""The page-cache fixtures (tests/caching/site.py): the query budgets are pinned with the
caches on, as in production, and off."""

from tests.caching.site import layered_cache, page_cache, world  # noqa: F401
