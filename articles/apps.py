from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        # Keeps Article.search_vector current on PostgreSQL (articles/signals.py).
        from . import signals  # noqa: F401
        # Tags whose name has nothing to slugify still get an address (articles/tag_slugs.py).
        from . import tag_slugs  # noqa: F401
