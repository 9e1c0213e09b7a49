from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """Site-wide pieces: context processors, template tags, demo content, checks."""

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # Safe names for every new upload, in the admin, imports and the shell alike
        # (newsroom/uploads.py connects its pre_save receiver when imported).
        from newsroom import uploads  # noqa: F401
