"""The page-cache fixtures (tests/caching/site.py) for every test in this folder."""

from .site import layered_cache, page_cache, world  # noqa: F401
