from django.apps import AppConfig


class ImagesConfig(AppConfig):
    """Images: upload checks and safe names, alt-text rules, renditions and ``{% picture %}``."""

    name = "images"
    verbose_name = "Images"

    def ready(self):
        # Safe names for every new upload, in the admin, imports and the shell alike
        # (images/uploads.py connects its pre_save receiver when imported).
        from images import library, uploads  # noqa: F401

        library.connect()
