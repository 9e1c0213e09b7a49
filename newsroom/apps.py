from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """Site-wide pieces: context processors, template tags, demo content, checks."""

    name = "newsroom"
    verbose_name = "Newsroom"
