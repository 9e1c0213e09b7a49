from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from taggit.models import Tag

        from newsroom import page_meta

        # Keeps Article.search_vector current on PostgreSQL (articles/signals.py), and gives
        # tags whose name has nothing to slugify an address (articles/tag_slugs.py).
        from . import signals, tag_slugs  # noqa: F401
        from .structured_data import TagMeta

        # Tag pages describe themselves to share cards and search engines through an
        # adapter: taggit owns the model (articles/structured_data.py).
        page_meta.register(Tag, TagMeta)
