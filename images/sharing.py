"""Renditions as share images: what a share card or JSON-LD may say about a picture.

The apps decide which of their images stands for them (``articles/sharing.py``,
``authors/structured_data.py``, ``books/structured_data.py``); this module knows how a
rendition's URL and size are read without opening the file, and never offers the original
upload where a rendition exists.
"""

from __future__ import annotations

from django.db import models

from newsroom.seo import ShareImage, absolute_url

from . import renditions


def rendition_size(rendition, source_width, source_height) -> tuple[int | None, int | None]:
    """The output size of an imagekit rendition, read from its processors without opening it.

    Fill-type processors (pilkit's, or ours marked ``fills``) give an exact size; ResizeToFit
    scales the source's stored size.
    Anything else is reported as unknown rather than guessed.
    """
    processors = getattr(getattr(rendition, "generator", None), "processors", None) or []
    for processor in reversed(list(processors)):
        width = getattr(processor, "width", None)
        height = getattr(processor, "height", None)
        kind = type(processor).__name__
        fills = kind in {"ResizeToFill", "SmartResize", "ResizeCanvas"} or getattr(
            processor, "fills", False
        )
        if fills and width and height:
            return width, height
        if kind == "ResizeToFit" and source_width and source_height:
            scale = min(
                (width or source_width) / source_width, (height or source_height) / source_height
            )
            if not getattr(processor, "upscale", True):
                scale = min(scale, 1)
            return round(source_width * scale), round(source_height * scale)
    return None, None


def largest_jpeg_rendition(
    instance: models.Model, source: str, family: renditions.Family, alt: str
) -> ShareImage | None:
    """The biggest JPEG rendition of an image: never the original upload, whose EXIF
    (GPS position, camera serial) must not reach other sites."""
    pic = renditions.picture(instance, source, family)
    if pic is None or not renditions.is_ready(instance, source):
        return None
    url = pic.jpeg_srcset.split(", ")[-1].rsplit(" ", 1)[0]
    width, height = pic.candidates[-1]
    return ShareImage(absolute_url(url), width, height, alt, "image/jpeg")
