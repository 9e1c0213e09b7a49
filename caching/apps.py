from django.apps import AppConfig


class CachingConfig(AppConfig):
    """The page cache and shared fragments: anonymous pages and blocks never served stale."""

    name = "caching"
    verbose_name = "Caching"

    def ready(self):
        # Every save of public content starts a new page-cache generation (caching/cache.py).
        from caching import cache

        cache.connect_signals()
