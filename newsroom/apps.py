from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """Site-wide pieces: context processors, template tags, demo content, checks."""

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # The check that stops production while a demo account has the demo password.
        from newsroom import checks  # noqa: F401
