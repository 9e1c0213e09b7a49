from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """Site-wide pieces: context processors, template tags, demo content, checks."""

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # Every save of public content starts a new page-cache generation (newsroom/cache.py).
        from newsroom import cache

        cache.connect_signals()
        # Safe names for every new upload, in the admin, imports and the shell alike
        # (newsroom/uploads.py connects its pre_save receiver when imported), and the check
        # that stops production while a demo account has the demo password.
        from newsroom import checks, uploads  # noqa: F401
