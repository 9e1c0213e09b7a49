from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        # Keeps Article.search_vector current on PostgreSQL (articles/signals.py), and gives
        # tags whose name has nothing to slugify an address (articles/tag_slugs.py).
        from . import signals, tag_slugs  # noqa: F401
