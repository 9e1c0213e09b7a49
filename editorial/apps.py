from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """The workflow every kind of edited content shares (articles now, pages next)."""

    name = "editorial"
    verbose_name = "Editorial workflow"
